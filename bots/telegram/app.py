"""build_bot(config, api) -> Application: the bot's one composition root."""

from __future__ import annotations

import logging

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults

from bots.telegram import texts
from bots.telegram.client import AssistantApi
from bots.telegram.config import BotConfig
from bots.telegram.handlers import Handlers
from bots.telegram.limits import RateLimiter

log = logging.getLogger(__name__)


def build_bot(config: BotConfig, api: AssistantApi) -> Application:  # type: ignore[type-arg]
    """A ready Application; it owns `api` from here on and closes it on shutdown."""

    async def close_api(app: Application) -> None:  # type: ignore[type-arg]
        await api.aclose()

    defaults = Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
    app = (
        ApplicationBuilder()
        .token(config.token.get_secret_value())
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .defaults(defaults)
        .concurrent_updates(config.concurrency)  # one slow answer must not hold up other users
        .post_init(set_commands)
        .post_shutdown(close_api)
        .build()
    )
    Handlers(api, RateLimiter(config.questions_per_minute)).register(app)
    return app


async def set_commands(app: Application) -> None:  # type: ignore[type-arg]
    """The command menu in Telegram's clients; cosmetic, so a failure is only logged."""
    try:
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in texts.COMMANDS.items()])
    except TelegramError as e:
        log.warning("could not set the command menu: %s", e)
