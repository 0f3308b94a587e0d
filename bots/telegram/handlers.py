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
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bots.telegram import render, texts
from bots.telegram.client import BUSY, Answer, ApiError, ApiUnavailable, AssistantApi, EndpointMissing, Quote
from bots.telegram.limits import RateLimiter

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MAX_QUESTION = 2000  # the API's limit
MAX_ARTICLE_BUTTONS = 3
ARTICLE_DATA = re.compile(r"^a:([\w-]{1,40}):(\d{1,2})$")  # callback data ≤ 64 bytes: trace id and quote index
FEEDBACK_DATA = re.compile(r"^f:([\w-]{1,40}):([01])$")
HINT_SHOWN = "link_hint_shown"


class DeliveryFailed(Exception):
    """The API answered but Telegram refused the reply; carries the answer's trace id for the log."""

    def __init__(self, trace_id: str) -> None:
        super().__init__(f"answer {trace_id} not delivered")
        self.trace_id = trace_id


class AnswerMemory:
    """Recent answers by trace id, so a button press can find the quote it points to (bounded, newest kept)."""

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self._items: OrderedDict[str, Answer] = OrderedDict()

    def remember(self, answer: Answer) -> None:
        self._items[answer.trace_id] = answer
        self._items.move_to_end(answer.trace_id)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def get(self, trace_id: str) -> Answer | None:
        return self._items.get(trace_id)


class Handlers:
    def __init__(self, api: AssistantApi, limiter: RateLimiter, answers: AnswerMemory | None = None) -> None:
        self.api = api
        self.limiter = limiter
        self.answers = answers or AnswerMemory()

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        new_messages = filters.UpdateType.MESSAGE
        app.add_handler(CommandHandler("start", self.start, filters=new_messages))
        app.add_handler(CommandHandler("help", self.help, filters=new_messages))
        app.add_handler(CommandHandler("link", self.link, filters=new_messages))
        app.add_handler(CommandHandler("unlink", self.unlink, filters=new_messages))
        app.add_handler(CommandHandler("status", self.status, filters=new_messages))
        app.add_handler(CallbackQueryHandler(self.show_article, pattern=ARTICLE_DATA))
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
        await self.api.unlink(user.id)
        if context.user_data is not None:
            context.user_data.pop(HINT_SHOWN, None)
        log.info("tg:%s unlinked", user.id)
        await _reply(update, texts.UNLINKED)

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
            log.info("tg:%s rate limited (%.0f s)", user.id, wait)
            await message.reply_text(texts.RATE_LIMITED.format(seconds=max(1, round(wait))))
            return
        acting_for = user.id if _private(update) else None
        async with typing(context, message.chat_id):
            answer = await self.api.ask(text, acting_for)
        self.answers.remember(answer)
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
        query, chat = update.callback_query, update.effective_chat
        match = ARTICLE_DATA.match(query.data or "") if query else None
        if query is None or chat is None or match is None:
            return
        answer = self.answers.get(match.group(1))
        index = int(match.group(2))
        if answer is None or index >= len(answer.quotes):
            await query.answer(texts.BUTTON_EXPIRED, show_alert=True)
            return
        await query.answer()
        quote = answer.quotes[index]
        async with typing(context, chat.id):
            try:
                blocks = render.article_blocks(await self.api.article(quote.article_id))
            except EndpointMissing:
                same = [q for q in answer.quotes if q.article_id == quote.article_id]
                blocks = render.quoted_only_blocks(article_citation(quote), same)
        for part in render.pack(blocks):
            await context.bot.send_message(chat.id, part)

    async def feedback(self, update: Update, context: Context) -> None:
        query = update.callback_query
        match = FEEDBACK_DATA.match(query.data or "") if query else None
        if query is None or match is None:
            return
        acting_for = update.effective_user.id if update.effective_user and _private(update) else None
        await self.api.feedback(match.group(1), match.group(2) == "1", acting_for)
        await query.answer(texts.THANKS)
        message = query.message
        if isinstance(message, Message) and message.reply_markup:
            kept = [
                row
                for row in message.reply_markup.inline_keyboard
                if not any(FEEDBACK_DATA.match(str(b.callback_data or "")) for b in row)
            ]
            await query.edit_message_reply_markup(InlineKeyboardMarkup(kept) if kept else None)

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
            text = BUSY
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
    """One button per cited article (at most three), then 👍 / 👎; callback data is trace id and index."""
    firsts: dict[str, int] = {}
    for i, q in enumerate(answer.quotes):
        firsts.setdefault(q.article_id, i)
    articles = list(firsts.items())[:MAX_ARTICLE_BUTTONS]
    rows = []
    for _, i in articles:
        label = texts.ARTICLE_BUTTON
        if len(articles) > 1:
            label = texts.ARTICLE_BUTTON_OF.format(citation=article_citation(answer.quotes[i]))
        rows.append([InlineKeyboardButton(label, callback_data=_data("a", answer.trace_id, i))])
    rows.append(
        [
            InlineKeyboardButton(texts.HELPFUL, callback_data=_data("f", answer.trace_id, 1)),
            InlineKeyboardButton(texts.NOT_HELPFUL, callback_data=_data("f", answer.trace_id, 0)),
        ]
    )
    return InlineKeyboardMarkup(rows)


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
