"""build_bot(config, api) -> Application: the bot's one composition root.

On start the bot asks the API who its key belongs to: a refused key stops the bot with one clear log line
(every answer would fail otherwise); an API that is not up yet is only a warning — the bot keeps running and
tells users the system is busy until it is.
"""

from __future__ import annotations

import logging

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults

from bots.telegram import texts
from bots.telegram.client import ApiError, ApiUnavailable, AssistantApi
from bots.telegram.config import BotConfig
from bots.telegram.handlers import Handlers
from bots.telegram.limits import FloodControl, RateLimiter

log = logging.getLogger(__name__)


class ApiKeyRejected(RuntimeError):
    """The API refuses ASSISTANT_API_KEY: the bot cannot answer anyone, so it does not start."""


def build_bot(config: BotConfig, api: AssistantApi) -> Application:  # type: ignore[type-arg]
    """A ready Application; it owns `api` from here on and closes it on shutdown."""

    async def close_api(app: Application) -> None:  # type: ignore[type-arg]
        await api.aclose()

    async def start(app: Application) -> None:  # type: ignore[type-arg]
        await check_api_key(api, config.api_url)
        await set_commands(app)

    defaults = Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
    app = (
        ApplicationBuilder()
        .token(config.token.get_secret_value())
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .defaults(defaults)
        .concurrent_updates(config.concurrency)  # one slow answer must not hold up other users
        .rate_limiter(FloodControl(config.flood_retries, config.flood_max_wait))  # waits out HTTP 429
        .post_init(start)
        .post_shutdown(close_api)
        .build()
    )
    Handlers(api, RateLimiter(config.questions_per_minute)).register(app)
    return app


async def check_api_key(api: AssistantApi, api_url: str) -> None:
    """One clear log line about the API key; raises ApiKeyRejected when the API refuses it."""
    try:
        me = await api.whoami()
    except ApiUnavailable as e:
        log.warning("API check: %s is not reachable yet (%s); users are told the system is busy", api_url, e.detail)
        return
    except ApiError as e:
        if e.status in (401, 403):
            log.error("API check: %s refuses ASSISTANT_API_KEY (%s); the bot does not start", api_url, e.message)
            raise ApiKeyRejected(f"ASSISTANT_API_KEY bị API từ chối: {e.message}") from e
        log.warning("API check: %s answered %s %s", api_url, e.status, e.code)
        return
    if not me.get("service"):
        log.error("API check: %s does not take ASSISTANT_API_KEY as a service key; the bot does not start", api_url)
        raise ApiKeyRejected("ASSISTANT_API_KEY không phải khóa API của dịch vụ.")
    log.info("API check: %s accepts the key of service %r", api_url, me["service"])


async def set_commands(app: Application) -> None:  # type: ignore[type-arg]
    """The command menu in Telegram's clients; cosmetic, so a failure is only logged."""
    try:
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in texts.COMMANDS.items()])
    except TelegramError as e:
        log.warning("could not set the command menu: %s", e)
