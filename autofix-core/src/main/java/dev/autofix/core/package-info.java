/** The autofix domain: model, ports and use cases, depending on nothing but the JDK. */
package dev.autofix.core;
