-- Aurora DSQL: one DDL statement per migration (one per transaction), ids assigned by the application.
CREATE TABLE guestbook (
    id      uuid PRIMARY KEY,
    author  text NOT NULL,
    message text NOT NULL
);
