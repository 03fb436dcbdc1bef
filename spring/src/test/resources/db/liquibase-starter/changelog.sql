--liquibase formatted sql

--changeset iamdb:1
CREATE TABLE migrated_by_liquibase (id INT PRIMARY KEY);
