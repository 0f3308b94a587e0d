"""Telegram handlers: parse the update, call one API endpoint, reply with rendered HTML.

Who is asking is the Telegram user id, sent to the API in a header; the API decides whether that user is linked to a
cadre. Personal data (statuses, /status, /link) is only handled in private chats. Errors are raised, not caught
here: `on_error` maps them once to a polite Vietnamese reply and a log line with the trace id.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bots.telegram import render, texts
from bots.telegram.client import BUSY, Answer, ApiError, ApiUnavailable, AssistantApi, Quote
from bots.telegram.limits import RateLimiter

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MAX_QUESTION = 2000  # the API's limit
MAX_ARTICLE_BUTTONS = 3
# Callback data (≤ 64 bytes) names what the API can resolve after any restart: the article's unit id, or the
# answer's trace id and the quote's index ("a:" is the same, from bots before this format).
ARTICLE_DATA = re.compile(r"^u:([a-z0-9-]{1,50}:d[a-z0-9]{1,8})$")
QUOTE_DATA = re.compile(r"^[at]:([\w-]{1,40}):(\d{1,2})$")
FEEDBACK_DATA = re.compile(r"^f:([\w-]{1,40}):([01])$")
HINT_SHOWN = "link_hint_shown"
CHOSEN = " ✓"


class DeliveryFailed(Exception):
    """The API answered but Telegram refused the reply; carries the answer's trace id for the log."""

    def __init__(self, trace_id: str) -> None:
        super().__init__(f"answer {trace_id} not delivered")
        self.trace_id = trace_id


@dataclass
class _Vote:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class Handlers:
    def __init__(self, api: AssistantApi, limiter: RateLimiter) -> None:
        self.api = api
        self.limiter = limiter
        self._votes: dict[tuple[int | None, str], _Vote] = {}  # one vote at a time per user and answer

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        new_messages = filters.UpdateType.MESSAGE
        app.add_handler(CommandHandler("start", self.start, filters=new_messages))
        app.add_handler(CommandHandler("help", self.help, filters=new_messages))
        app.add_handler(CommandHandler("link", self.link, filters=new_messages))
        app.add_handler(CommandHandler("unlink", self.unlink, filters=new_messages))
        app.add_handler(CommandHandler("status", self.status, filters=new_messages))
        app.add_handler(CommandHandler("feedback", self.feedback_command, filters=new_messages))
        app.add_handler(CallbackQueryHandler(self.show_article, pattern=ARTICLE_DATA))
        app.add_handler(CallbackQueryHandler(self.show_article, pattern=QUOTE_DATA))
        app.add_handler(CallbackQueryHandler(self.feedback, pattern=FEEDBACK_DATA))
        app.add_handler(CallbackQueryHandler(self.expired_button))
        app.add_handler(MessageHandler(new_messages & filters.TEXT & ~filters.COMMAND, self.question))
        app.add_handler(MessageHandler(new_messages & filters.ChatType.PRIVATE & ~filters.COMMAND, self.not_text))
        app.add_error_handler(self.on_error)

    # ------------------------------------------------------------------------------------------- commands

    async def start(self, update: Update, context: Context) -> None:
        if context.args:  # deep link t.me/<bot>?start=<code>
            await self._link(update, context, context.args)
        else:
            await _reply(update, texts.WELCOME)

    async def help(self, update: Update, context: Context) -> None:
        await _reply(update, texts.HELP)

    async def link(self, update: Update, context: Context) -> None:
        if not context.args:
            await _reply(update, texts.LINK_USAGE)
            return
        await self._link(update, context, context.args)

    async def _link(self, update: Update, context: Context, args: Sequence[str]) -> None:
        user = update.effective_user
        if user is None or not _private(update):
            await _reply(update, texts.PRIVATE_ONLY)
            return
        code = await self.api.link(user.id, " ".join(args))
        log.info("tg:%s linked to a cadre", user.id)
        if context.user_data is not None:
            context.user_data.pop(HINT_SHOWN, None)
        name = code
        with suppress(ApiError):
            name = (await self.api.cadre(code, user.id)).get("full_name") or code
        await _reply(update, texts.LINKED.format(name=render.escape(name)))

    async def unlink(self, update: Update, context: Context) -> None:
        user = update.effective_user
        if user is None or not _private(update):
            await _reply(update, texts.PRIVATE_ONLY)
            return
        unlinked = await self.api.unlink(user.id)
        if context.user_data is not None:
            context.user_data.pop(HINT_SHOWN, None)
        log.info("tg:%s unlink: %s", user.id, "removed" if unlinked else "was not linked")
        await _reply(update, texts.UNLINKED if unlinked else texts.NOTHING_TO_UNLINK)

    async def status(self, update: Update, context: Context) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or not _private(update):
            await _reply(update, texts.PRIVATE_ONLY)
            return
        async with typing(context, chat.id):
            report = await self.api.my_status(user.id)
        if report is None:
            await _reply(update, texts.NOT_LINKED)
            return
        for part in render.pack(render.status_blocks(report)):
            await _reply(update, part)

    # ------------------------------------------------------------------------------------------- questions

    async def question(self, update: Update, context: Context) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not (text := (message.text or "").strip()):
            return
        if len(text) > MAX_QUESTION:
            await message.reply_text(texts.TOO_LONG.format(limit=f"{MAX_QUESTION:,}".replace(",", ".")))
            return
        if wait := self.limiter.acquire(user.id):
            told = self.limiter.should_notify(user.id, wait)
            log.info("tg:%s rate limited (%.0f s)%s", user.id, wait, "" if told else ", already told")
            if told:  # once per burst: the rest of the burst is dropped silently
                await message.reply_text(texts.RATE_LIMITED.format(seconds=max(1, round(wait))))
            return
        acting_for = user.id if _private(update) else None
        async with typing(context, message.chat_id):
            answer = await self.api.ask(text, acting_for)
        hint = acting_for is not None and not answer.linked and not _hint_shown(context)
        parts = render.pack(render.answer_blocks(answer, link_hint=hint))
        try:
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                await message.reply_text(part, reply_markup=answer_keyboard(answer) if last else None)
        except TelegramError as e:
            raise DeliveryFailed(answer.trace_id) from e
        if hint and context.user_data is not None:
            context.user_data[HINT_SHOWN] = True
        log.info("tg:%s trace=%s linked=%s parts=%d", user.id, answer.trace_id, answer.linked, len(parts))

    async def not_text(self, update: Update, context: Context) -> None:
        await _reply(update, texts.TEXT_ONLY)

    # ------------------------------------------------------------------------------------------- buttons

    async def show_article(self, update: Update, context: Context) -> None:
        """📖: the cited article, found through the API from the button alone (no memory of the answer)."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        data = query.data or ""
        if match := ARTICLE_DATA.match(data):
            article_id = match.group(1)
        elif match := QUOTE_DATA.match(data):
            acting_for = update.effective_user.id if update.effective_user and _private(update) else None
            try:
                units = await self.api.cited_units(match.group(1), acting_for)
            except ApiError as e:
                if e.status != 404:
                    raise
                units = []
            index = int(match.group(2))
            if index >= len(units):
                await query.answer(texts.BUTTON_EXPIRED, show_alert=True)
                return
            article_id = ":".join(units[index].split(":")[:2])
        else:
            return
        await query.answer()
        async with typing(context, chat.id):
            blocks = render.article_blocks(await self.api.article(article_id))
        for part in render.pack(blocks):
            await context.bot.send_message(chat.id, part)

    async def feedback(self, update: Update, context: Context) -> None:
        """👍/👎: one vote per user and answer, kept by the API; a second tap changes it, and the chosen button is
        marked so the user sees which vote counts."""
        query = update.callback_query
        match = FEEDBACK_DATA.match(query.data or "") if query else None
        if query is None or match is None:
            return
        trace_id, helpful = match.group(1), match.group(2) == "1"
        acting_for = update.effective_user.id if update.effective_user and _private(update) else None
        key = (acting_for, trace_id)
        vote = self._votes.setdefault(key, _Vote())
        vote.users += 1
        try:
            async with vote.lock:  # a fast double tap reaches the API one vote after the other
                said = await self.api.feedback(trace_id, helpful, acting_for)
        finally:
            vote.users -= 1
            if vote.users == 0:
                self._votes.pop(key, None)
        await query.answer(said or texts.THANKS)
        message = query.message
        if isinstance(message, Message) and message.reply_markup:
            marked = mark_vote(message.reply_markup, helpful)
            if marked.to_dict() != message.reply_markup.to_dict():
                with suppress(TelegramError):  # cosmetic: the vote is already recorded
                    await query.edit_message_reply_markup(marked)

    async def feedback_command(self, update: Update, context: Context) -> None:
        """`/feedback <góp ý>` in reply to one of the bot's answers: a 👎 with the comment, one record."""
        message = update.effective_message
        if message is None:
            return
        replied = message.reply_to_message
        trace_id = answer_trace_id(replied) if replied is not None else None
        comment = " ".join(context.args or ()).strip()
        if trace_id is None or not comment:
            await _reply(update, texts.FEEDBACK_USAGE)
            return
        acting_for = update.effective_user.id if update.effective_user and _private(update) else None
        said = await self.api.feedback(trace_id, False, acting_for, comment=comment[:2000])
        await _reply(update, render.escape(said or texts.THANKS))

    async def expired_button(self, update: Update, context: Context) -> None:
        if update.callback_query:
            await update.callback_query.answer(texts.BUTTON_EXPIRED, show_alert=True)

    # ------------------------------------------------------------------------------------------- errors

    async def on_error(self, update: object, context: Context) -> None:
        """The one place errors become words: logged with a trace id, answered politely, never a stack trace."""
        error = context.error
        incident = getattr(error, "trace_id", None) or uuid.uuid4().hex[:12]
        update_id = update.update_id if isinstance(update, Update) else None
        if isinstance(error, ApiUnavailable):
            log.warning("API unavailable (update %s, trace %s): %s", update_id, incident, error.detail)
            text = error.message or BUSY
        elif isinstance(error, ApiError) and error.status == 401:
            log.error("API refused the bot's key (update %s, trace %s): %s", update_id, incident, error)
            text = texts.NOT_AUTHORISED.format(incident=incident)
        elif isinstance(error, ApiError):
            log.info("API said no (update %s, trace %s): %s", update_id, incident, error)
            text = texts.BAD_REQUEST if error.status == 422 else render.escape(error.message)
        else:
            log.error("update %s failed (trace %s)", update_id, incident, exc_info=error)
            text = texts.UNEXPECTED.format(incident=incident)
        if isinstance(update, Update):
            await _tell(update, context, text)


# ----------------------------------------------------------------------------------------------- helpers


def answer_keyboard(answer: Answer) -> InlineKeyboardMarkup:
    """One button per cited article (at most three), then 👍 / 👎. The data names the article by its unit id (or,
    if that would not fit in 64 bytes, the answer's trace id and the quote index) — never something only this
    process remembers."""
    firsts: dict[str, int] = {}
    for i, q in enumerate(answer.quotes):
        firsts.setdefault(q.article_id, i)
    articles = list(firsts.items())[:MAX_ARTICLE_BUTTONS]
    rows = []
    for article_id, i in articles:
        label = texts.ARTICLE_BUTTON
        if len(articles) > 1:
            label = texts.ARTICLE_BUTTON_OF.format(citation=article_citation(answer.quotes[i]))
        data = f"u:{article_id}"
        if len(data.encode()) > 64 or not ARTICLE_DATA.match(data):
            data = _data("t", answer.trace_id, i)
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    rows.append(
        [
            InlineKeyboardButton(texts.HELPFUL, callback_data=_data("f", answer.trace_id, 1)),
            InlineKeyboardButton(texts.NOT_HELPFUL, callback_data=_data("f", answer.trace_id, 0)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def mark_vote(markup: InlineKeyboardMarkup, helpful: bool) -> InlineKeyboardMarkup:
    """The same keyboard with the chosen vote marked ✓ (and the other one not)."""
    rows = []
    for row in markup.inline_keyboard:
        buttons = []
        for b in row:
            m = FEEDBACK_DATA.match(str(b.callback_data or ""))
            if m is None:
                buttons.append(b)
                continue
            label = b.text.removesuffix(CHOSEN) + (CHOSEN if (m.group(2) == "1") == helpful else "")
            buttons.append(InlineKeyboardButton(label, callback_data=b.callback_data))
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)


def answer_trace_id(message: Message) -> str | None:
    """The trace id of an answer message, read from its 👍/👎 buttons (so it works after a restart)."""
    markup = message.reply_markup
    for row in markup.inline_keyboard if markup else ():
        for b in row:
            if m := FEEDBACK_DATA.match(str(b.callback_data or "")):
                return m.group(1)
    return None


def _data(kind: str, trace_id: str, index: int) -> str:
    data = f"{kind}:{trace_id}:{index}"
    if len(data.encode()) > 64:
        raise ValueError(f"callback data over 64 bytes: {data!r}")
    return data


def article_citation(q: Quote) -> str:
    """'Điểm a Khoản 3 Điều 33 Luật …' → 'Điều 33 Luật …'."""
    return re.sub(r"^(Điểm \S+ )?(Khoản \S+ )?", "", q.citation)


@asynccontextmanager
async def typing(context: Context, chat_id: int) -> AsyncIterator[None]:
    """'typing…' shown while the API works; Telegram clears it after 5 s, so it is repeated every 4 s."""

    async def keep_typing() -> None:
        with suppress(TelegramError):
            while True:
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
                await asyncio.sleep(4)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


def _hint_shown(context: Context) -> bool:
    return bool(context.user_data and context.user_data.get(HINT_SHOWN))


async def _reply(update: Update, text: str) -> None:
    if update.effective_message:
        await update.effective_message.reply_text(text)


async def _tell(update: Update, context: Context, text: str) -> None:
    """Reply where the user will see it: an alert on a pressed button, else a message in the chat."""
    try:
        if update.callback_query:
            with suppress(TelegramError):
                await update.callback_query.answer(text[:200], show_alert=True)
                return
        if update.effective_chat:
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not tell update %s about its error", update.update_id, exc_info=True)
