-- Witnesses' cosignatures of checkpoints (C2SP tlog-cosignature note lines), appended to GetCheckpoint.note.
CREATE TABLE checkpoint_cosignatures (
    tree_size   bigint       NOT NULL REFERENCES checkpoints (tree_size),
    witness     varchar(200) NOT NULL,
    line        varchar(400) NOT NULL,
    cosigned_at timestamptz  NOT NULL,
    PRIMARY KEY (tree_size, witness)
);
