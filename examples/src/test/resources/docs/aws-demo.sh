export IAMDB_ENDPOINT=<cluster-id>.dsql.us-east-1.on.aws
export IAMDB_USER=app
export AWS_PROFILE=my-profile
java -jar examples/target/iamdb-demo.jar
