SELECT * FROM sys.iam_pg_role_mappings;
AWS IAM REVOKE app FROM 'arn:aws:iam::111122223333:role/orders-service';
