java -jar cli/target/iamdb-cli.jar doctor --url 'jdbc:iamdb:postgresql://abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws/postgres' --user admin
