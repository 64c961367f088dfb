/** The standalone autofix server: the composition root that wires the core to its adapters. */
package dev.autofix.server;
