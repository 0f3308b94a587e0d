"""`python -m bots.telegram` (or `make bot`): long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set."""

from __future__ import annotations

import logging
import sys
from typing import Any
from urllib.parse import urlparse

from pydantic import ValidationError
from telegram import Update

from bots.telegram.app import ApiKeyRejected, build_bot
from bots.telegram.client import AssistantApi
from bots.telegram.config import BotConfig

REQUIRED = "TELEGRAM_BOT_TOKEN, ASSISTANT_API_KEY (và ASSISTANT_API_URL nếu API không chạy ở http://127.0.0.1:8000)"


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines would print the bot token
    try:
        config = BotConfig()  # type: ignore[call-arg]  # read from the environment
    except ValidationError as e:
        fields = ", ".join(str(err["loc"][0]) for err in e.errors())
        print(f"Thiếu hoặc sai cấu hình bot ({fields}). Cần đặt biến môi trường {REQUIRED}.", file=sys.stderr)
        return 2
    api = AssistantApi(
        config.api_url,
        config.api_key.get_secret_value(),
        timeout=config.api_timeout,
        retries=config.api_retries,
        backoff=config.api_backoff,
        deadline=config.api_deadline,
    )
    app = build_bot(config, api)
    try:
        run(app, config)
    except ApiKeyRejected as e:
        print(
            f"Bot không khởi động: {e} Kiểm tra ASSISTANT_API_KEY (assistant users api-key telegram-bot).",
            file=sys.stderr,
        )
        return 3
    return 0


def run(app: Any, config: BotConfig) -> None:
    if config.webhook_url:
        app.run_webhook(
            listen=config.webhook_listen,
            port=config.webhook_port,
            url_path=urlparse(config.webhook_url).path.lstrip("/"),
            webhook_url=config.webhook_url,
            secret_token=config.webhook_secret.get_secret_value() or None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    sys.exit(main())
