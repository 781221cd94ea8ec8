-- Erasing a former member's personal data (/member forget) on request. The audit log and the
-- membership history stay append-only, with one exception each: the erasure itself. The triggers
-- accept exactly that change and nothing else.

-- An audit entry may lose its personal values (a membership number, a reason written about the
-- member's report), once, and is then marked as erased; every other column stays as it was.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    NEW.id = OLD.id AND NEW.guild_id = OLD.guild_id AND NEW.actor_id IS OLD.actor_id
    AND NEW.action = OLD.action AND NEW.subject IS OLD.subject AND NEW.created_at = OLD.created_at
    AND json_extract(OLD.detail, '$.erased') IS NULL
    AND NEW.detail = json_set(json_remove(OLD.detail, '$.number', '$.reason'), '$.erased', 1)
)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- A membership event may lose its membership number; nothing else about it changes.
DROP TRIGGER membership_events_no_update;
CREATE TRIGGER membership_events_no_update BEFORE UPDATE ON membership_events
WHEN NOT (
    NEW.number IS NULL AND NEW.id = OLD.id AND NEW.guild_id = OLD.guild_id
    AND NEW.user_id = OLD.user_id AND NEW.period_id = OLD.period_id AND NEW.kind = OLD.kind
    AND NEW.actor_id IS OLD.actor_id AND NEW.valid_from = OLD.valid_from
    AND NEW.expires = OLD.expires AND NEW.created_at = OLD.created_at
)
BEGIN
    SELECT RAISE(ABORT, 'membership history is append-only');
END;
