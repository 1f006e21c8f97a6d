/** See this module's README.md. */
package dev.cairn.agent;
