-- Connected as the master user. A database user that logs in only with IAM tokens:
CREATE USER app;
GRANT rds_iam TO app;
GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO app;
