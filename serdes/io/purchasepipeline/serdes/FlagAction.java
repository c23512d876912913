package io.purchasepipeline.serdes;

/** What an operator does to a customer's fraud flag. */
public enum FlagAction {
    FLAG,
    CLEAR
}
