"""What people read about training records: the personal answer and the HR planning reports.

Pure functions over the engine's statuses, the rules and plain records; no database, no clock. The use cases that
load records, check scope and audit live in `assistant.services` and call these.
"""
