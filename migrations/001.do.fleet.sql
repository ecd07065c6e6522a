-- goready serve: the fleet. Hosts push snapshots, binaries push inspect reports; every binary ×
-- host pair keeps the findings `goready check` gives for the current report and snapshot.
-- Documents are json, not jsonb: json keeps the text as sent, key order included, so snapshots,
-- reports and findings come back exactly as the CLI prints them (and host diffs in its order).
BEGIN;

CREATE TABLE hosts (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  -- The snapshot the matrix uses: the newest by collection time.
  current_snapshot integer
);

CREATE TABLE snapshots (
  id serial PRIMARY KEY,
  host_id integer NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
  collected_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  collector text NOT NULL,
  body json NOT NULL
);
CREATE INDEX snapshots_by_host ON snapshots (host_id, collected_at DESC, id DESC);
ALTER TABLE hosts ADD CONSTRAINT hosts_current_snapshot FOREIGN KEY (current_snapshot) REFERENCES snapshots (id);

CREATE TABLE binaries (
  id serial PRIMARY KEY,
  -- The report's path, as given to `goready inspect --push`.
  name text NOT NULL UNIQUE,
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  current_report integer
);

CREATE TABLE reports (
  id serial PRIMARY KEY,
  binary_id integer NOT NULL REFERENCES binaries (id) ON DELETE CASCADE,
  received_at timestamptz NOT NULL DEFAULT now(),
  -- The host that pushed it (where the binary was found), when the push said.
  reported_from text,
  go_version text,
  file_size bigint NOT NULL,
  -- The inspect report without its function list.
  body json NOT NULL,
  -- What the checks need from the function names (codeFacts); null when none were sent.
  code json
);
CREATE INDEX reports_by_binary ON reports (binary_id, id DESC);
ALTER TABLE binaries ADD CONSTRAINT binaries_current_report FOREIGN KEY (current_report) REFERENCES reports (id);

-- The build info's modules, for "where do we ship golang.org/x/net < v0.23.0".
CREATE TABLE report_modules (
  report_id integer NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  path text NOT NULL,
  version text NOT NULL,
  replace_path text,
  replace_version text,
  main boolean NOT NULL DEFAULT false,
  PRIMARY KEY (report_id, path)
);
CREATE INDEX report_modules_by_path ON report_modules (path);

CREATE TABLE pair_findings (
  binary_id integer NOT NULL REFERENCES binaries (id) ON DELETE CASCADE,
  host_id integer NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
  report_id integer NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  snapshot_id integer NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  findings json NOT NULL,
  -- The most severe finding's severity; null when there is none.
  worst text,
  evaluated_at timestamptz NOT NULL DEFAULT now(),
  -- The goready version whose checks produced the findings: a newer one re-evaluates at start.
  checker text NOT NULL,
  PRIMARY KEY (binary_id, host_id)
);
CREATE INDEX pair_findings_by_host ON pair_findings (host_id);

COMMIT;
