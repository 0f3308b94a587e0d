"""Document frequencies over a generation's units, written with the generation at build time.

The answerer weighs question terms by their inverse document frequency over every unit (`TermWeights`). Counting
that over 100k units takes tens of seconds, so the builder counts once and saves the table with the generation
(``terms/<name>.json``, published in its archive like every other file); a process loading the generation reads it
instead of recounting. A rebuild counts only the units that changed: the previous table minus the terms of the units
removed or changed, plus those of the units added or changed — exact integers, so the table is the one a full count
gives. A table is used only if it was made by the same analyzer code (`TermTable.fingerprint`); otherwise it is
counted again, so a change to the analyzer can never serve stale weights.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.index.units import IndexUnit

log = logging.getLogger("assistant.index")
FOLDER = "terms"


@dataclass(frozen=True)
class TermTable:
    """A named per-unit analyzer (unit → its distinct terms) whose document frequencies a generation keeps."""

    name: str
    analyze: Callable[[IndexUnit], Iterable[str]]
    fingerprint: str


@dataclass
class TermCounts:
    n: int  # units counted
    df: Counter[str]  # term → number of units holding it

    @classmethod
    def count(cls, table: TermTable, units: Iterable[IndexUnit]) -> TermCounts:
        df: Counter[str] = Counter()
        n = 0
        for u in units:
            n += 1
            df.update(set(table.analyze(u)))
        return cls(n, df)

    def updated(self, table: TermTable, removed: Iterable[IndexUnit], added: Iterable[IndexUnit]) -> TermCounts:
        """The counts after `removed` units left and `added` ones came (a changed unit is in both)."""
        df = Counter(self.df)
        n = self.n
        for u in removed:
            n -= 1
            df.subtract(set(table.analyze(u)))
        for u in added:
            n += 1
            df.update(set(table.analyze(u)))
        return TermCounts(n, Counter({t: c for t, c in df.items() if c > 0}))

    def save(self, gen_dir: Path, table: TermTable) -> None:
        folder = gen_dir / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        data = {"fingerprint": table.fingerprint, "n": self.n, "df": self.df}
        (folder / f"{table.name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, gen_dir: Path, table: TermTable) -> TermCounts | None:
        """The saved counts, or None when absent, made by other analyzer code, or unreadable."""
        path = gen_dir / FOLDER / f"{table.name}.json"
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("fingerprint") != table.fingerprint:
                return None
            df = data["df"]
            if not isinstance(df, dict) or not isinstance(data["n"], int):
                raise TypeError("df is not an object")
            return cls(data["n"], Counter(df))
        except (OSError, ValueError, KeyError, TypeError) as e:
            log.warning("term table %s of %s unreadable (%s); counting again", table.name, gen_dir.name, e)
            return None


def build_tables(
    tables: Iterable[TermTable],
    work: Path,
    units: list[IndexUnit],
    previous_dir: Path | None,
    previous_units: Mapping[str, IndexUnit] | None,
) -> None:
    """Write each table for the generation being built, from the previous one's when it can be reused."""
    current = {u.id: u for u in units}
    for table in tables:
        old = TermCounts.load(previous_dir, table) if previous_dir is not None and previous_units else None
        if old is not None and previous_units is not None and old.n == len(previous_units):
            removed = [u for uid, u in previous_units.items() if current.get(uid) != u]
            added = [u for u in units if previous_units.get(u.id) != u]
            counts = old.updated(table, removed, added)
        else:
            counts = TermCounts.count(table, units)
        counts.save(work, table)
