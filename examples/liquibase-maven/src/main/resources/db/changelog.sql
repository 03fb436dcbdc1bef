--liquibase formatted sql

--changeset iamdb:1
CREATE TABLE note (id integer PRIMARY KEY, body text NOT NULL);

--changeset iamdb:2
ALTER TABLE note ADD COLUMN author text;
