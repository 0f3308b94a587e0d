"""A minimal, faithful Telegram Bot API server for tests: real HTTP on loopback, pure Python (Starlette).

Why our own rather than the npm `telegram-test-api`: that one needs Node in CI, its getMe lacks `is_bot` (which
python-telegram-bot 22 requires) and its dates are in milliseconds, so it would need a shim anyway. This one
implements only what the bot uses, following the documented Bot API objects and errors:

  getMe, getUpdates (long polling with offset/limit/timeout), sendMessage, editMessageText,
  editMessageReplyMarkup, answerCallbackQuery, sendChatAction, setMyCommands/getMyCommands/deleteMyCommands,
  setWebhook/deleteWebhook/getWebhookInfo, close, logOut

and checks what Telegram checks: HTML is parsed with Telegram's rules (only its tags, balanced, no bare < > &,
only &lt; &gt; &amp; &quot; and numeric entities), the text after parsing is 1-4096 UTF-16 units, callback data
1-64 bytes, a callback query is answered at most once, edits must change something.

Test-side endpoints under /test/<token>/ inject user messages and button presses and read what the bot did,
and make Telegram's flood control refuse the next calls of a method with HTTP 429 and `retry_after`. With a
webhook set (setWebhook url + secret_token), updates are POSTed to it as Telegram does, instead of queued for
getUpdates. Every bot token gets its own state, so several bots can share one emulator.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

MAX_TEXT = 4096
OBJECT_PARAMS = {"reply_markup", "reply_parameters", "link_preview_options", "allowed_updates", "commands", "scope"}
INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id", "cache_time"}
BOOL_PARAMS = {"show_alert", "drop_pending_updates", "disable_notification", "protect_content"}
ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s[^<>]*)?)>|&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);|([<>&])|([^<>&]+)")


class BadRequest(Exception):
    def __init__(self, description: str, code: int = 400) -> None:
        super().__init__(description)
        self.description = description
        self.code = code


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML style: (plain text, entities with UTF-16 offsets), or BadRequest as Telegram words it."""
    plain: list[str] = []
    width = 0
    stack: list[tuple[str, int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    for m in _HTML.finditer(source):
        if m.start() != pos:  # pragma: no cover - the pattern covers every character
            raise BadRequest("Bad Request: can't parse entities")
        pos = m.end()
        closing, tag, attrs, entity, bare, text = m.groups()
        if bare:
            raise BadRequest(
                f"Bad Request: can't parse entities: unsupported start tag or bare '{bare}' at {m.start()}"
            )
        if tag:
            name = tag.lower()
            if name not in ENTITY_TYPES:
                raise BadRequest(f'Bad Request: can\'t parse entities: unsupported start tag "{name}" at {m.start()}')
            if closing:
                if not stack or stack[-1][0] != name:
                    raise BadRequest(f'Bad Request: can\'t parse entities: unexpected end tag "{name}" at {m.start()}')
                open_name, start, extra = stack.pop()
                if width > start:
                    entities.append(
                        {"type": ENTITY_TYPES[open_name], "offset": start, "length": width - start, **extra}
                    )
            else:
                extra = {}
                if name == "a":
                    href = re.search(r'href\s*=\s*"([^"]*)"', attrs or "")
                    extra = {"url": href.group(1)} if href else {}
                stack.append((name, width, extra))
            continue
        chunk = text if text is not None else _entity(entity, m.start())
        plain.append(chunk)
        width += utf16_len(chunk)
    if stack:
        raise BadRequest(
            f"Bad Request: can't parse entities: can't find end tag corresponding to start tag \"{stack[-1][0]}\""
        )
    return "".join(plain), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _entity(entity: str, at: int) -> str:
    if entity.startswith("#x"):
        return chr(int(entity[2:], 16))
    if entity.startswith("#"):
        return chr(int(entity[1:]))
    if entity in NAMED_ENTITIES:
        return NAMED_ENTITIES[entity]
    raise BadRequest(f'Bad Request: can\'t parse entities: unsupported HTML entity "&{entity};" at {at}')


@dataclass
class BotState:
    token: str
    user: dict[str, Any]
    updates: list[dict[str, Any]] = field(default_factory=list)
    confirmed: int = 0  # updates below this id were confirmed by an offset and are gone
    update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))  # type: ignore[type-arg]
    message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))  # type: ignore[type-arg]
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (chat, id) → stored message
    sent: list[tuple[int, int]] = field(default_factory=list)  # bot messages in sending order
    actions: list[dict[str, Any]] = field(default_factory=list)
    callbacks: dict[str, dict[str, Any]] = field(default_factory=dict)
    commands: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    webhook: str = ""
    webhook_secret: str = ""
    webhook_deliveries: list[int] = field(default_factory=list)  # HTTP status of each POST to the webhook
    floods: dict[str, list[float]] = field(default_factory=dict)  # method → [calls left to refuse, retry_after]
    flood_log: list[tuple[str, float, str]] = field(default_factory=list)  # (method, monotonic time, "429"|"ok")
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    delivering: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def push(self, update: dict[str, Any]) -> int:
        update_id = next(self.update_ids)
        if self.webhook:
            body = {"update_id": update_id, **update}
            asyncio.get_running_loop().create_task(self._deliver(body))
            return update_id
        self.updates.append({"update_id": update_id, **update})
        async with self.changed:
            self.changed.notify_all()
        return update_id

    async def _deliver(self, update: dict[str, Any]) -> None:
        """POST one update to the webhook, in order, with the secret token header as Telegram sends it."""
        import httpx

        headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret} if self.webhook_secret else {}
        async with self.delivering, httpx.AsyncClient(timeout=30) as http:
            try:
                r = await http.post(self.webhook, json=update, headers=headers)
                self.webhook_deliveries.append(r.status_code)
            except httpx.HTTPError:
                self.webhook_deliveries.append(0)


class BotApiEmulator:
    def __init__(self) -> None:
        self.bots: dict[str, BotState] = {}
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self.bot_method, methods=["GET", "POST"]),
                Route("/test/{token}/message", self.inject_message, methods=["POST"]),
                Route("/test/{token}/callback", self.inject_callback, methods=["POST"]),
                Route("/test/{token}/chats/{chat_id}", self.read_chat, methods=["GET"]),
                Route("/test/{token}/callbacks/{query_id}", self.read_callback, methods=["GET"]),
                Route("/test/{token}/state", self.read_state, methods=["GET"]),
                Route("/test/{token}/flood", self.flood, methods=["POST"]),
            ]
        )

    def bot(self, token: str) -> BotState:
        if token not in self.bots:
            bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 1
            user = {
                "id": bot_id,
                "is_bot": True,
                "first_name": "Trợ lý đào tạo",
                "username": f"tro_ly_{bot_id}_bot",
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
            self.bots[token] = BotState(token, user)
        return self.bots[token]

    # ------------------------------------------------------------------------------------------- Bot API

    async def bot_method(self, request: Request) -> JSONResponse:
        token, method = request.path_params["token"], request.path_params["method"]
        if not re.fullmatch(r"\d+:[\w-]+", token):
            return _fail(BadRequest("Unauthorized", 401))
        bot = self.bot(token)
        bot.calls.append(method)
        handler = getattr(self, f"m_{method}", None)
        if handler is None:
            return _fail(BadRequest("Not Found", 404))
        flood = bot.floods.get(method)
        if flood and flood[0] > 0:  # Telegram's flood control: refuse, say how long to wait
            flood[0] -= 1
            bot.flood_log.append((method, time.monotonic(), "429"))
            retry_after = int(flood[1])
            return JSONResponse(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
                status_code=429,
            )
        if flood is not None:
            bot.flood_log.append((method, time.monotonic(), "ok"))
        try:
            params = await _params(request)
            if method == "getUpdates":  # the one long-running call: it ends early when the client goes away
                return JSONResponse({"ok": True, "result": await self.m_getUpdates(bot, params, request)})
            return JSONResponse({"ok": True, "result": await handler(bot, params)})
        except BadRequest as e:
            return _fail(e)

    async def m_getMe(self, bot: BotState, p: dict[str, Any]) -> Any:
        return bot.user

    async def m_getUpdates(self, bot: BotState, p: dict[str, Any], request: Request | None = None) -> Any:
        offset, limit, timeout = int(p.get("offset", 0)), int(p.get("limit", 100)), float(p.get("timeout", 0))
        if offset > 0:
            bot.confirmed = max(bot.confirmed, offset)
            bot.updates = [u for u in bot.updates if u["update_id"] >= bot.confirmed]
        deadline = time.monotonic() + timeout
        async with bot.changed:
            while not bot.updates and (left := deadline - time.monotonic()) > 0:
                try:
                    await asyncio.wait_for(bot.changed.wait(), min(left, 0.25))
                except TimeoutError:
                    if request is not None and await request.is_disconnected():
                        return []
        return bot.updates[: max(1, min(limit, 100))]

    async def m_sendMessage(self, bot: BotState, p: dict[str, Any]) -> Any:
        chat = self._chat(bot, p)
        text, entities, source = _text(p)
        message = {
            "message_id": next(bot.message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": bot.user,
            "text": text,
        }
        if entities:
            message["entities"] = entities
        markup = _markup(p.get("reply_markup"))
        if markup:
            message["reply_markup"] = markup
        reply_to = (p.get("reply_parameters") or {}).get("message_id") or p.get("reply_to_message_id")
        if reply_to:
            original = bot.messages.get((chat["id"], int(reply_to)))
            if original is None:
                raise BadRequest("Bad Request: message to be replied not found")
            message["reply_to_message"] = original["message"]
        bot.messages[(chat["id"], message["message_id"])] = {"message": message, "html": source, "edits": 0}
        bot.sent.append((chat["id"], message["message_id"]))
        return message

    async def m_editMessageText(self, bot: BotState, p: dict[str, Any]) -> Any:
        stored = self._stored(bot, p)
        text, entities, source = _text(p)
        markup = _markup(p.get("reply_markup"))
        message = stored["message"]
        if (
            text == message["text"]
            and entities == message.get("entities", [])
            and markup == message.get("reply_markup")
        ):
            raise BadRequest("Bad Request: message is not modified")
        message.update(text=text, entities=entities, edit_date=int(time.time()))
        _set_markup(message, markup)
        stored.update(html=source, edits=stored["edits"] + 1)
        return message

    async def m_editMessageReplyMarkup(self, bot: BotState, p: dict[str, Any]) -> Any:
        stored = self._stored(bot, p)
        markup = _markup(p.get("reply_markup"))
        if markup == stored["message"].get("reply_markup"):
            raise BadRequest("Bad Request: message is not modified")
        _set_markup(stored["message"], markup)
        stored["message"]["edit_date"] = int(time.time())
        stored["edits"] += 1
        return stored["message"]

    async def m_answerCallbackQuery(self, bot: BotState, p: dict[str, Any]) -> Any:
        query = bot.callbacks.get(str(p.get("callback_query_id", "")))
        if query is None or query["answer"] is not None:
            raise BadRequest("Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(str(p.get("text", ""))) > 200:
            raise BadRequest("Bad Request: MESSAGE_TOO_LONG")
        query["answer"] = {"text": p.get("text", ""), "show_alert": bool(p.get("show_alert", False))}
        return True

    async def m_sendChatAction(self, bot: BotState, p: dict[str, Any]) -> Any:
        chat = self._chat(bot, p)
        if p.get("action") not in {"typing", "upload_photo", "upload_document", "find_location", "choose_sticker"}:
            raise BadRequest("Bad Request: wrong parameter action in request")
        bot.actions.append({"chat_id": chat["id"], "action": p["action"], "at": time.time()})
        return True

    async def m_setMyCommands(self, bot: BotState, p: dict[str, Any]) -> Any:
        commands = p.get("commands") or []
        for c in commands:
            if (
                not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", ""))
                or not 1 <= len(c.get("description", "")) <= 256
            ):
                raise BadRequest("Bad Request: BOT_COMMAND_INVALID")
        bot.commands = commands
        return True

    async def m_getMyCommands(self, bot: BotState, p: dict[str, Any]) -> Any:
        return bot.commands

    async def m_deleteMyCommands(self, bot: BotState, p: dict[str, Any]) -> Any:
        bot.commands = []
        return True

    async def m_setWebhook(self, bot: BotState, p: dict[str, Any]) -> Any:
        bot.webhook = str(p.get("url", ""))
        bot.webhook_secret = str(p.get("secret_token", "") or "")
        return True

    async def m_deleteWebhook(self, bot: BotState, p: dict[str, Any]) -> Any:
        bot.webhook = ""
        if p.get("drop_pending_updates"):
            bot.updates.clear()
        return True

    async def m_getWebhookInfo(self, bot: BotState, p: dict[str, Any]) -> Any:
        return {"url": bot.webhook, "has_custom_certificate": False, "pending_update_count": len(bot.updates)}

    async def m_close(self, bot: BotState, p: dict[str, Any]) -> Any:
        return True

    async def m_logOut(self, bot: BotState, p: dict[str, Any]) -> Any:
        return True

    def _chat(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        chat = bot.chats.get(_int(p.get("chat_id")))
        if chat is None:
            raise BadRequest("Bad Request: chat not found")
        return chat

    def _stored(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(bot, p)
        stored = bot.messages.get((chat["id"], _int(p.get("message_id"))))
        if stored is None or stored["message"]["from"]["id"] != bot.user["id"]:
            raise BadRequest("Bad Request: message to edit not found")
        return stored

    # ------------------------------------------------------------------------------------------- test side

    async def inject_message(self, request: Request) -> JSONResponse:
        """{user_id, text, first_name?, chat_type?: private|group, chat_id?} → a `message` update."""
        bot = self.bot(request.path_params["token"])
        body = await request.json()
        user = self._user(bot, body)
        chat = self._user_chat(bot, body, user)
        text = str(body.get("text", ""))
        message: dict[str, Any] = {
            "message_id": next(bot.message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
        }
        if "sticker" in body:
            message["sticker"] = body["sticker"]
        else:
            message["text"] = text
            command = re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)
            if command:
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}]
        if "reply_to" in body:  # the user pressed "Reply" on one of the bot's messages
            original = bot.messages.get((chat["id"], int(body["reply_to"])))
            if original is None:
                return JSONResponse({"error": "no such message to reply to"}, status_code=400)
            message["reply_to_message"] = original["message"]
        bot.messages[(chat["id"], message["message_id"])] = {"message": message, "html": text, "edits": 0}
        update_id = await bot.push({"message": message})
        return JSONResponse({"update_id": update_id, "message_id": message["message_id"], "chat_id": chat["id"]})

    async def inject_callback(self, request: Request) -> JSONResponse:
        """{user_id, chat_id?, message_id, data} → a `callback_query` update; only data of a real button."""
        bot = self.bot(request.path_params["token"])
        body = await request.json()
        user = self._user(bot, body)
        chat_id = int(body.get("chat_id", user["id"]))
        stored = bot.messages.get((chat_id, int(body["message_id"])))
        buttons = [
            b
            for row in (stored or {}).get("message", {}).get("reply_markup", {}).get("inline_keyboard", [])
            for b in row
        ]
        forced = bool(body.get("force")) and stored is not None  # a button of an older version of the message
        if stored is None or (body["data"] not in {b.get("callback_data") for b in buttons} and not forced):
            return JSONResponse({"error": "no such button on that message"}, status_code=400)
        query_id = uuid.uuid4().hex
        bot.callbacks[query_id] = {"answer": None}
        await bot.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": stored["message"],
                    "chat_instance": str(chat_id),
                    "data": body["data"],
                }
            }
        )
        return JSONResponse({"callback_query_id": query_id})

    async def read_chat(self, request: Request) -> JSONResponse:
        """What the bot sent to a chat, oldest first, with the HTML it used and its current buttons."""
        bot = self.bot(request.path_params["token"])
        chat_id = int(request.path_params["chat_id"])  # negative for groups
        out = []
        for cid, mid in bot.sent:
            if cid == chat_id:
                stored = bot.messages[(cid, mid)]
                out.append({**stored["message"], "html": stored["html"], "edits": stored["edits"]})
        actions = [a for a in bot.actions if a["chat_id"] == chat_id]
        return JSONResponse({"messages": out, "actions": actions})

    async def read_callback(self, request: Request) -> JSONResponse:
        query = self.bot(request.path_params["token"]).callbacks.get(request.path_params["query_id"])
        return JSONResponse(query or {"answer": None}, status_code=200 if query else 404)

    async def read_state(self, request: Request) -> JSONResponse:
        bot = self.bot(request.path_params["token"])
        return JSONResponse(
            {
                "calls": bot.calls,
                "commands": bot.commands,
                "pending": len(bot.updates),
                "webhook": bot.webhook,
                "webhook_deliveries": bot.webhook_deliveries,
                "flood_log": bot.flood_log,
            }
        )

    async def flood(self, request: Request) -> JSONResponse:
        """{method, count, retry_after}: the next `count` calls of `method` get HTTP 429 with that retry_after."""
        bot = self.bot(request.path_params["token"])
        body = await request.json()
        bot.floods[str(body["method"])] = [float(body.get("count", 1)), float(body.get("retry_after", 1))]
        return JSONResponse({"ok": True})

    def _user(self, bot: BotState, body: dict[str, Any]) -> dict[str, Any]:
        uid = int(body["user_id"])
        if uid not in bot.users:
            name = str(body.get("first_name", f"Người dùng {uid}"))
            bot.users[uid] = {"id": uid, "is_bot": False, "first_name": name, "language_code": "vi"}
        return bot.users[uid]

    def _user_chat(self, bot: BotState, body: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
        if body.get("chat_type", "private") == "private":
            chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        else:
            chat = {"id": int(body["chat_id"]), "type": body["chat_type"], "title": body.get("title", "Nhóm thử")}
        bot.chats.setdefault(chat["id"], chat)
        return bot.chats[chat["id"]]


async def _params(request: Request) -> dict[str, Any]:
    """Bot API parameters come as a query string, url-encoded or multipart form, or JSON."""
    params: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        if request.headers.get("content-type", "").startswith("application/json"):
            params.update(await request.json())
            return params
        params.update(dict(await request.form()))
    for key, value in list(params.items()):
        if not isinstance(value, str):
            continue
        if key in OBJECT_PARAMS or key in BOOL_PARAMS:
            try:
                params[key] = json.loads(value)
            except ValueError as e:
                raise BadRequest(f"Bad Request: can't parse {key} JSON object") from e
        elif key in INT_PARAMS and re.fullmatch(r"-?\d+", value):
            params[key] = int(value)
    return params


def _text(p: dict[str, Any]) -> tuple[str, list[dict[str, Any]], str]:
    source = str(p.get("text", ""))
    if p.get("parse_mode") == "HTML":
        text, entities = parse_html(source)
    elif p.get("parse_mode"):
        raise BadRequest(f"Bad Request: unsupported parse_mode {p['parse_mode']} in the emulator")
    else:
        text, entities = source, []
    if not text.strip():
        raise BadRequest("Bad Request: message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise BadRequest("Bad Request: message is too long")
    return text, entities, source


def _markup(markup: Any) -> dict[str, Any] | None:
    if not markup:
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise BadRequest("Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise BadRequest("Bad Request: BUTTON_TEXT_EMPTY")
    return markup if markup.get("inline_keyboard") else None


def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
    if markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest("Bad Request: chat not found") from None


def _fail(e: BadRequest) -> JSONResponse:
    return JSONResponse({"ok": False, "error_code": e.code, "description": e.description}, status_code=e.code)
