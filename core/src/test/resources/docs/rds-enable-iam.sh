# An RDS for PostgreSQL instance:
aws rds modify-db-instance --db-instance-identifier orders-db --enable-iam-database-authentication --apply-immediately
aws rds describe-db-instances --db-instance-identifier orders-db --query 'DBInstances[0].DbiResourceId'
# An Aurora PostgreSQL cluster:
aws rds modify-db-cluster --db-cluster-identifier orders-cluster --enable-iam-database-authentication --apply-immediately
aws rds describe-db-clusters --db-cluster-identifier orders-cluster --query 'DBClusters[0].DbClusterResourceId'
