/**
 * Init: {@code sluice init} turns a feed's URL into a first pipeline file. It reads the file the way a run does
 * (extract), guesses its format and types with the parsers a run uses (transform), finds the smallest unique key,
 * and writes commented YAML. Entry point: {@link dev.sluice.init.Initializer}.
 */
package dev.sluice.init;
