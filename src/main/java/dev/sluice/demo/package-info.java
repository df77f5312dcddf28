/**
 * The offline demo: {@link dev.sluice.demo.SyntheticSources} invents files shaped like the real sources and
 * {@link dev.sluice.demo.Demo} runs the real pipeline on them, day after day, from a loopback server.
 */
package dev.sluice.demo;
