/**
 * One settings mechanism for every module: a key table ({@link Setting}) and a reader ({@link
 * Settings}) that collects every problem, each naming its key and the value it was given, instead
 * of throwing at the first. JDK only, like the rest of the core.
 */
package dev.autofix.core.settings;
