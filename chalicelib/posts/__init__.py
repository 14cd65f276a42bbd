"""Posts: creating, editing, scheduling and cancelling them (DynamoDB first, then the schedule)."""
