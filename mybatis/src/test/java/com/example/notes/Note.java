package com.example.notes;

/** A row of table {@code note}, mapped by the XML mapper. */
public class Note {
    private long id;
    private String body;

    public Note() {
    }

    public Note(long id, String body) {
        this.id = id;
        this.body = body;
    }

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String body) {
        this.body = body;
    }
}
