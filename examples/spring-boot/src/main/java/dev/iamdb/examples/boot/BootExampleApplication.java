package dev.iamdb.examples.boot;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application that logs in to Aurora DSQL (or RDS/Aurora PostgreSQL) with IAM auth tokens. Nothing
 * in the code knows about IAM: {@code application.properties} names a {@code jdbc:iamdb:postgresql://} URL and the
 * application's role, iamdb's starter does the rest, so Flyway (as admin), JPA, MyBatis and jOOQ (as the application's
 * role) all get connections that log in with a current token.
 */
@SpringBootApplication
public class BootExampleApplication {
    private static final Logger log = LoggerFactory.getLogger(BootExampleApplication.class);

    /** The author of the note written at every start. */
    static final String AUTHOR = "iamdb-example";

    public static void main(String[] args) {
        SpringApplication.run(BootExampleApplication.class, args);
    }

    /**
     * Writes a note and counts them, so that a start against a real cluster shows the whole path working: Flyway
     * has migrated, and JPA writes and reads through IAM-authenticated connections.
     */
    @Bean
    CommandLineRunner greet(NoteRepository notes, NoteMapper mapper, DSLContext dsl) {
        return args -> {
            notes.save(new Note(AUTHOR, "Hello from Spring Boot, logged in with an IAM auth token"));
            log.info("{} notes by {} (JPA), {} (MyBatis), {} (jOOQ)", notes.findByAuthorOrderByBody(AUTHOR).size(), AUTHOR,
                    mapper.countByAuthor(AUTHOR), countByAuthor(dsl, AUTHOR));
        };
    }

    /** Notes of {@code author}, through jOOQ's DSLContext, which Boot builds on the application's DataSource. */
    static int countByAuthor(DSLContext dsl, String author) {
        return dsl.fetchCount(DSL.table("note"), DSL.field("author").eq(author));
    }
}
