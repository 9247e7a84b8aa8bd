-- Dunning delivery (issue #14): a pending letter is not offered before
-- next_attempt_at, the end of the lease of the deliverer that claimed it or
-- of the backoff after a failed attempt (NULL: due at once). It mirrors
-- HistoryEntry.NextAttemptAt in the body, for the claim query.
ALTER TABLE o2c_dunning_history ADD COLUMN next_attempt_at TEXT;
