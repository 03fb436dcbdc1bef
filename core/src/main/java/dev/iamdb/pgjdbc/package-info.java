/**
 * The pgjdbc authentication plugin through which iamdb hands a connection its first token while pgjdbc is already
 * connecting. pgjdbc instantiates it by name from the properties iamdb sets; applications do not use it directly.
 */
package dev.iamdb.pgjdbc;
