-- Connected as admin (dsql:DbConnectAdmin). A login role for the application:
CREATE ROLE app WITH LOGIN;
-- Aurora DSQL syntax: map the role to the IAM role the application runs as.
AWS IAM GRANT app TO 'arn:aws:iam::111122223333:role/orders-service';
-- Ordinary PostgreSQL privileges on admin's tables:
GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO app;
