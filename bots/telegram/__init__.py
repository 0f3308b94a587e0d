"""The Telegram bot: cadres ask about training regulations and see their own standing.

The bot is a client of the HTTP API, not a second edge over Services:

- permissions and audit live in one place, the API: it decides what a Telegram user linked to a cadre may see,
  and logs every answer under "bot:<key name>/tg:<telegram id>" like any other caller;
- the bot can run on another host (next to nothing but Telegram's servers), and be restarted or scaled without
  touching the index or the database;
- it needs one secret besides its Telegram token: a service API key (`assistant` admin → POST /api/v1/admin/api-keys).

So bots/ holds no retrieval, SQL or prompt logic and never imports `assistant`: it parses Telegram input, calls one
API endpoint, and formats the result in Vietnamese.
"""

from bots.telegram.app import build_bot
from bots.telegram.client import AssistantApi
from bots.telegram.config import BotConfig

__all__ = ["AssistantApi", "BotConfig", "build_bot"]
