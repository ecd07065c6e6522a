-- The facts the hosts list shows, taken out of each snapshot once, when it is stored (src/server/store/
-- host-facts.ts). Read from the json bodies on every GET /api/hosts (json is parsed again by each
-- operator) they took seconds for a couple of hundred hosts. Rows stored before this migration have
-- none until the server fills them at start (Fleet.fillHostFacts).
BEGIN;

ALTER TABLE snapshots ADD COLUMN facts json;

COMMIT;
