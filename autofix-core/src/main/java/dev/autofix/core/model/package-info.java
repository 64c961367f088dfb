/** Immutable records and enums of the autofix domain. */
package dev.autofix.core.model;
