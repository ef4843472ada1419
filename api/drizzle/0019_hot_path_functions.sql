-- Rate-limit hits numbered per key, so that a check is one lookup whatever the number of hits
-- (#19, ADR 18); the hits recorded before are numbered in time order.
CREATE TABLE "rate_limit_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rate_limit_hits" ADD COLUMN "seq" bigint;--> statement-breakpoint
UPDATE "rate_limit_hits" h SET "seq" = n.seq
  FROM (SELECT id, row_number() OVER (PARTITION BY key ORDER BY at, id) AS seq FROM "rate_limit_hits") n
 WHERE h.id = n.id;--> statement-breakpoint
ALTER TABLE "rate_limit_hits" ALTER COLUMN "seq" SET NOT NULL;--> statement-breakpoint
INSERT INTO "rate_limit_keys" ("key", "seq") SELECT key, max(seq) FROM "rate_limit_hits" GROUP BY key;--> statement-breakpoint
DROP INDEX "rate_limit_hits_key_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "rate_limit_hits_key_seq_idx" ON "rate_limit_hits" USING btree ("key","seq");--> statement-breakpoint

-- Two steps of the create path as one round trip each (#19, ADR 18). Both are functions so that
-- each statement inside takes a fresh snapshot after the advisory lock is granted (READ
-- COMMITTED, VOLATILE): a single SQL statement would read with a snapshot taken before the wait.

-- The next agent of a round-robin group (active, not away, longest since their last round-robin
-- ticket, never first), marked as picked. Called on its own (autocommit), so the group's lock is
-- held for this statement only, not through the whole create.
CREATE OR REPLACE FUNCTION deskmate_round_robin_pick(p_group_id uuid) RETURNS uuid
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  picked uuid;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('round-robin:' || p_group_id::text, 0));
  SELECT gm.user_id INTO picked
    FROM group_members gm JOIN users u ON u.id = gm.user_id
   WHERE gm.group_id = p_group_id AND u.active AND NOT u.away AND u.role IN ('agent', 'admin')
   ORDER BY gm.last_assigned_at ASC NULLS FIRST, gm.user_id ASC
   LIMIT 1;
  IF picked IS NOT NULL THEN
    -- The database's clock, read after the lock: picks are ordered exactly as they happened.
    UPDATE group_members SET last_assigned_at = clock_timestamp()
     WHERE group_id = p_group_id AND user_id = picked;
  END IF;
  RETURN picked;
END
$$;--> statement-breakpoint

-- Count one attempt against each limit (keys given in lock order) unless one is reached; returns
-- 0 when counted, otherwise the seconds until every limit has a free slot. A limit is reached when
-- its max-th newest hit is inside the window: found by number (rate_limit_keys.seq - max + 1),
-- one index lookup per limit.
CREATE OR REPLACE FUNCTION deskmate_rate_consume(
  p_keys text[], p_max integer[], p_window_ms bigint[], p_now timestamptz
) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  i integer;
  nth timestamptz;
  retry integer := 0;
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended(p_keys[i], 0));
  END LOOP;
  FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
    SELECT h.at INTO nth
      FROM rate_limit_keys k JOIN rate_limit_hits h ON h.key = k.key AND h.seq = k.seq - p_max[i] + 1
     WHERE k.key = p_keys[i] AND h.at > p_now - p_window_ms[i] * interval '1 millisecond';
    IF FOUND THEN
      retry := greatest(retry, 1, ceil(extract(epoch FROM (nth + p_window_ms[i] * interval '1 millisecond' - p_now)))::integer);
    END IF;
  END LOOP;
  IF retry = 0 THEN
    FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
      INSERT INTO rate_limit_keys AS k (key, seq) VALUES (p_keys[i], 1)
        ON CONFLICT (key) DO UPDATE SET seq = k.seq + 1;
      INSERT INTO rate_limit_hits (key, at, seq)
        SELECT p_keys[i], p_now, seq FROM rate_limit_keys WHERE key = p_keys[i];
    END LOOP;
  END IF;
  RETURN retry;
END
$$;
