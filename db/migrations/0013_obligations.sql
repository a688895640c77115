-- 承诺办 / 容缺办: what an applicant owes after a department accepted a material on commitment (告知承诺) or as
-- deficient (容缺受理). The applicant is only the blind index, as on licenses. status: 1 open, 2 fulfilled,
-- 3 breached; OVERDUE is read as open with deadline < today (and noticed once as an event, like a grant's).
CREATE TABLE obligations (
    obligation_id        uuid          PRIMARY KEY,
    matter_code          varchar(64)   NOT NULL REFERENCES matters (matter_code),
    material_code        varchar(64)   NOT NULL,
    case_number          varchar(64)   NOT NULL,
    department_org       varchar(18)   NOT NULL,
    holder_index         bytea         NOT NULL,
    mode                 smallint      NOT NULL CHECK (mode IN (1, 2)),
    status               smallint      NOT NULL CHECK (status IN (1, 2, 3)),
    accepted_type_codes  varchar(21)[] NOT NULL,
    accepted_on          date          NOT NULL,
    deadline             date          NOT NULL CHECK (deadline >= accepted_on),
    commitment_text      varchar(2000) NOT NULL,
    on_breach            varchar(500)  NOT NULL,
    accepted_at          timestamptz   NOT NULL,
    accepted_by          uuid          NOT NULL REFERENCES callers (caller_id),
    fulfilled_by_license varchar(128),
    fulfilled_at         timestamptz,
    breached_at          timestamptz,
    breached_by          uuid          REFERENCES callers (caller_id),
    breach_note          varchar(500),
    -- One obligation per material of a case: accepting it again answers the same obligation.
    UNIQUE (department_org, case_number, matter_code, material_code, holder_index)
);
-- A license issued or imported fulfils the holder's open obligations in its own statement: found by holder.
CREATE INDEX obligations_open_holder ON obligations (holder_index) WHERE status = 1;
-- CheckMatter asks whether an applicant has a recorded breach.
CREATE INDEX obligations_breached_holder ON obligations (holder_index) WHERE status = 3;
-- The overdue notice finds open obligations whose deadline passed.
CREATE INDEX obligations_open_deadline ON obligations (deadline, obligation_id) WHERE status = 1;
CREATE INDEX obligations_department ON obligations (department_org, obligation_id);
