package com.example.notes;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** The entity the guide's configuration maps; ids are assigned in the application (Aurora DSQL has no sequences to spare). */
@Entity
@Table(name = "note")
public class Note {
    @Id
    private UUID id;

    private String text;

    protected Note() {
    }

    public Note(String text) {
        this.id = UUID.randomUUID();
        this.text = text;
    }

    public UUID getId() {
        return id;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }
}
