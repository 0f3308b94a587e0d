"""Identity and access: users (cadre / hr / admin), Argon2id passwords, opaque expiring bearer tokens (also sent as
an HttpOnly cookie), API keys for services such as the Telegram bot, and one-time Telegram link codes.

Scope: a cadre sees only their own record; HR the cadres of their unit and every unit below it (the enrollment
service's `units_under`); an admin everything. Demo accounts for the demo province: `seed_demo_accounts`.
"""
