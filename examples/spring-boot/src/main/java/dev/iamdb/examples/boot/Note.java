package dev.iamdb.examples.boot;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import java.util.UUID;

/**
 * A note, stored in the table {@code note} that {@code db/migration/V1__create_note.sql} creates. The key is a
 * UUID made by the application: Aurora DSQL favours keys that spread writes over the cluster.
 */
@Entity
public class Note {
    @Id
    @GeneratedValue(strategy = GenerationType.UUID)
    private UUID id;

    private String author;

    private String body;

    /** For JPA. */
    protected Note() {
    }

    public Note(String author, String body) {
        this.author = author;
        this.body = body;
    }

    public UUID getId() {
        return id;
    }

    public String getAuthor() {
        return author;
    }

    public String getBody() {
        return body;
    }
}
