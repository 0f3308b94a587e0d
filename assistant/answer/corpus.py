"""The lower-cased text of every unit as one string, for the answerer's substring checks (a name the corpus never
mentions, see `checks.names_outside_corpus`).

At 100k units the string is about 50 million characters; lower-casing it anew costs over a second, which a switch
would wait for. So each unit's part is remembered by where it lies, and the text of a generation loaded beside the
one served is put together from the served one's: consecutive unchanged units are one slice of the old string,
and only the units that changed are lower-cased again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assistant.index.units import IndexUnit


def unit_text(unit: IndexUnit) -> str:
    """One unit's part: document title, heading and text, lower-cased, ending with a line break."""
    return f"{unit.doc_title}\n{unit.heading}\n{unit.text}\n".lower()


@dataclass(frozen=True)
class CorpusText:
    text: str
    spans: Mapping[str, tuple[IndexUnit, int, int]]  # unit id → (the unit, start, end) of its part in `text`

    @classmethod
    def of(cls, units: Mapping[str, IndexUnit], previous: CorpusText | None = None) -> CorpusText:
        """The text of `units` (in their order); parts of units `previous` held as the same objects are copied."""
        old = previous.spans if previous is not None else {}
        parts: list[str] = []
        spans: dict[str, tuple[IndexUnit, int, int]] = {}
        run: list[int] = []  # [start, end] of a run of consecutive unchanged parts in the previous text
        pos = 0

        def flush() -> None:
            if run:
                assert previous is not None
                parts.append(previous.text[run[0] : run[1]])
                run.clear()

        for uid, unit in units.items():
            seen = old.get(uid)
            if seen is not None and seen[0] is unit:
                start, end = seen[1], seen[2]
                if run and run[1] == start:
                    run[1] = end
                else:
                    flush()
                    run[:] = [start, end]
                length = end - start
            else:
                flush()
                piece = unit_text(unit)
                parts.append(piece)
                length = len(piece)
            spans[uid] = (unit, pos, pos + length)
            pos += length
        flush()
        return cls("".join(parts), spans)
