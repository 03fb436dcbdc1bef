java -jar testkit/target/iamdb-local.jar --role app
