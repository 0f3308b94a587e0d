"""Bot settings from environment variables (or .env), read only when BotConfig() is built."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class BotConfig(BaseSettings):
    """TELEGRAM_BOT_TOKEN, ASSISTANT_API_URL and ASSISTANT_API_KEY are all a deployment needs."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    token: SecretStr = Field(validation_alias="TELEGRAM_BOT_TOKEN")
    api_url: str = Field("http://127.0.0.1:8000", validation_alias="ASSISTANT_API_URL")
    api_key: SecretStr = Field(validation_alias="ASSISTANT_API_KEY")
    # Telegram's server, or a local Bot API server / emulator; the token is appended after "/bot".
    bot_api_url: str = Field("https://api.telegram.org", validation_alias="TELEGRAM_BOT_API_URL")
    questions_per_minute: int = Field(6, ge=1, le=600, validation_alias="TELEGRAM_QUESTIONS_PER_MINUTE")
    concurrency: int = Field(16, ge=1, le=256, validation_alias="TELEGRAM_CONCURRENCY")
    api_timeout: float = Field(20.0, gt=0, validation_alias="ASSISTANT_API_TIMEOUT")
    # The most a user waits for any one answer, all attempts included, before the busy message (seconds).
    api_deadline: float = Field(20.0, gt=0, le=60, validation_alias="ASSISTANT_API_DEADLINE")
    api_retries: int = Field(3, ge=0, le=10, validation_alias="ASSISTANT_API_RETRIES")
    api_backoff: float = Field(0.5, ge=0, validation_alias="ASSISTANT_API_BACKOFF")
    # Webhook mode when a public HTTPS URL is given; long polling otherwise.
    webhook_url: str = Field("", validation_alias="TELEGRAM_WEBHOOK_URL")
    webhook_listen: str = Field("127.0.0.1", validation_alias="TELEGRAM_WEBHOOK_LISTEN")
    webhook_port: int = Field(8443, ge=1, le=65535, validation_alias="TELEGRAM_WEBHOOK_PORT")
    webhook_secret: SecretStr = Field(SecretStr(""), validation_alias="TELEGRAM_WEBHOOK_SECRET")
    # Telegram's flood control (HTTP 429 retry_after): how often one request is retried, and the longest wait.
    flood_retries: int = Field(3, ge=0, le=10, validation_alias="TELEGRAM_FLOOD_RETRIES")
    flood_max_wait: float = Field(60.0, ge=0, le=3600, validation_alias="TELEGRAM_FLOOD_MAX_WAIT")

    @property
    def base_url(self) -> str:
        return f"{self.bot_api_url.rstrip('/')}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.bot_api_url.rstrip('/')}/file/bot"
