package dev.iamdb.hibernate;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** An account of docs/aurora-dsql.md's Hibernate retry. */
@Entity
public class Account {
    @Id
    private int id;
    private int balance;

    protected Account() {
    }

    public Account(int id, int balance) {
        this.id = id;
        this.balance = balance;
    }

    public int getBalance() {
        return balance;
    }

    public void add(int amount) {
        balance += amount;
    }
}
