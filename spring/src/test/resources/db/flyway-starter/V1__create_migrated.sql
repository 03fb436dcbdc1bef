-- One DDL statement per migration, as Aurora DSQL allows one per transaction.
CREATE TABLE migrated_by_flyway (id INT PRIMARY KEY);
