/** The load harness: starts the server jar, drives its webhook over loopback, and reports. */
package dev.autofix.bench;
