package io.fmad.job.interpret;

import java.io.Serializable;

/** Creates the interpreter of each subtask; shipped with the job graph, so it is serializable. */
@FunctionalInterface
public interface InterpreterFactory extends Serializable {

    Interpreter create() throws Exception;
}
