IAMDB_ENDPOINT=<cluster-id>.dsql.us-east-1.on.aws IAMDB_USER=app java -cp examples/target/iamdb-demo.jar dev.iamdb.examples.JooqExample
