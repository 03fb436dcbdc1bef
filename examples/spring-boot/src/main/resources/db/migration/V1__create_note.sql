-- Aurora DSQL allows one DDL statement per transaction and Flyway runs each migration in one: one per file.
CREATE TABLE note (
    id UUID PRIMARY KEY,
    author VARCHAR(100) NOT NULL,
    body VARCHAR(1000) NOT NULL
);
