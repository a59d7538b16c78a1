//! `casus._casus`: the native half of the Python package. Each function runs the same library
//! code as the command line and hands back what the command would write (summary.json and the
//! CSV tables as text), which `casus/__init__.py` turns into dicts and pandas DataFrames; so a
//! figure from Python is the CLI's figure for the same scenario, seed and overrides.
//!
//! Runs happen on a worker thread with the GIL released; the calling thread wakes every 50 ms to
//! let Python handle signals, and a KeyboardInterrupt sets the stop flag, waits for the worker to
//! end (within a chunk of runs) and is raised with nothing kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use casus::monte_carlo::sensitivity::Target;
use casus::monte_carlo::sweep::{Axis, Design, Levels, SweepError};
use casus::report::files::{self, Compared};
use casus::{Compiled, MonteCarlo, Override};
use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

create_exception!(
    _casus,
    ScenarioError,
    PyValueError,
    "A scenario that cannot be read or does not validate. `diagnostics` lists every problem as a \
     dict with `file`, `path` (JSON path), `line`, `column` (None when not from the file's text) \
     and `message`."
);

/// A compiled scenario: the file, its overrides, and the world the engine runs.
#[pyclass(frozen, module = "casus._casus")]
struct Scenario {
    model: Arc<Compiled>,
}

#[pymethods]
impl Scenario {
    /// The file as given.
    #[getter]
    fn origin(&self) -> String {
        self.model.origin.clone()
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.model.world.name.clone()
    }

    /// SHA-256 of the file's bytes, as results record it.
    #[getter]
    fn sha256(&self) -> String {
        self.model.sha256.clone()
    }

    /// The overrides applied, as `PATH=VALUE`.
    #[getter]
    fn overrides(&self) -> Vec<String> {
        self.model.override_texts()
    }

    /// The actors' ids.
    #[getter]
    fn actors(&self) -> Vec<String> {
        self.model
            .world
            .actors
            .iter()
            .map(|a| a.id.clone())
            .collect()
    }

    /// One line on what the scenario holds.
    #[getter]
    fn outline(&self) -> String {
        self.model.scenario.outline()
    }

    /// The scenario's own number of runs and seed.
    #[getter]
    fn monte_carlo(&self) -> (u64, u64) {
        let mc = &self.model.scenario.monte_carlo;
        (mc.runs, mc.seed)
    }

    /// The same file with more overrides, applied after these.
    fn with_overrides(&self, set: Vec<String>) -> PyResult<Scenario> {
        let more = overrides(&set)?;
        let model = self.model.with(&more).map_err(scenario_error)?;
        Ok(Scenario {
            model: Arc::new(model),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<casus.Scenario {} ({}): {}>",
            self.model.describe(),
            self.model.world.name,
            self.model.scenario.outline()
        )
    }
}

fn overrides(set: &[String]) -> PyResult<Vec<Override>> {
    set.iter()
        .map(|s| {
            s.parse::<Override>()
                .map_err(|e| PyValueError::new_err(e.to_string()))
        })
        .collect()
}

/// A `ScenarioError` carrying every diagnostic.
fn scenario_error(err: casus::ScenarioError) -> PyErr {
    Python::attach(|py| {
        let exception = ScenarioError::new_err(err.to_string());
        let diagnostics = PyList::empty(py);
        let entry = |file: &str,
                     path: Option<String>,
                     line: Option<usize>,
                     column: Option<usize>,
                     message: String|
         -> PyResult<Bound<'_, PyDict>> {
            let d = PyDict::new(py);
            d.set_item("file", file)?;
            d.set_item("path", path)?;
            d.set_item("line", line)?;
            d.set_item("column", column)?;
            d.set_item("message", message)?;
            Ok(d)
        };
        let filled = (|| -> PyResult<()> {
            match &err {
                casus::ScenarioError::Invalid {
                    file,
                    diagnostics: found,
                } => {
                    for d in found {
                        let message = match &d.suggestion {
                            Some(s) => format!("{}; {s}", d.message),
                            None => d.message.clone(),
                        };
                        diagnostics.append(entry(
                            file,
                            Some(d.path.to_string()),
                            d.position.map(|p| p.line),
                            d.position.map(|p| p.column),
                            message,
                        )?)?;
                    }
                }
                other => diagnostics.append(entry("", None, None, None, other.to_string())?)?,
            }
            exception.value(py).setattr("diagnostics", &diagnostics)
        })();
        filled.err().unwrap_or(exception)
    })
}

/// Reads, overrides and compiles a scenario file (`-` is standard input).
#[pyfunction]
#[pyo3(signature = (path, set = Vec::new()))]
fn load(path: &str, set: Vec<String>) -> PyResult<Scenario> {
    let set = overrides(&set)?;
    let model = casus::compile(path, &set).map_err(scenario_error)?;
    Ok(Scenario {
        model: Arc::new(model),
    })
}

/// Checks a scenario file: its outline, or a ScenarioError with every problem.
#[pyfunction]
fn validate(path: &str) -> PyResult<String> {
    casus::scenario::load(path)
        .map(|s| s.outline())
        .map_err(scenario_error)
}

/// Runs `work` on a worker thread with the GIL released, waking to let Python handle signals; on
/// a KeyboardInterrupt (or any signal handler's exception) sets the stop flag, waits for the
/// worker, and raises it.
fn interruptible<T: Send + 'static>(
    py: Python<'_>,
    work: impl FnOnce(&AtomicBool) -> PyResult<T> + Send + 'static,
) -> PyResult<T> {
    let stop = Arc::new(AtomicBool::new(false));
    let (sender, receiver) = mpsc::channel();
    let worker = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let _ = sender.send(work(&stop));
        })
    };
    let mut receiver = receiver;
    loop {
        // The receiver goes into the GIL-free closure and comes back out: it is Send, not Sync.
        let (received, back) = py.detach(move || {
            let received = receiver.recv_timeout(Duration::from_millis(50));
            (received, receiver)
        });
        receiver = back;
        match received {
            Ok(result) => {
                let _ = worker.join();
                return result;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(signal) = py.check_signals() {
                    stop.store(true, Ordering::SeqCst);
                    let _ = py.detach(|| worker.join());
                    return Err(signal);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err("the casus worker thread failed"));
            }
        }
    }
}

fn to_json(value: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

fn io_error(e: std::io::Error) -> PyErr {
    PyOSError::new_err(e.to_string())
}

fn text(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> PyResult<String> {
    let mut bytes = Vec::new();
    write(&mut bytes).map_err(io_error)?;
    String::from_utf8(bytes).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// The experiment of `casus run` and its kin: the scenario's runs and seed unless given.
fn experiment<'w>(
    model: &'w Compiled,
    runs: Option<u64>,
    seed: Option<u64>,
    threads: usize,
    allow_large: bool,
) -> PyResult<MonteCarlo<'w>> {
    let mc = model.monte_carlo();
    let runs = runs.unwrap_or(mc.total_runs());
    let seed = seed.unwrap_or(mc.seed_value());
    let mc = mc.runs(runs).seed(seed).threads(threads);
    if !allow_large {
        mc.check_footprint()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
    }
    Ok(mc)
}

/// A completed run: summary.json, levels_by_step.csv, pathways.csv, with `rows` runs.csv and
/// runs_by_actor.csv, and where the scenario asks for alignment alignment.csv and blocs.csv, as
/// text.
type RunFiles = (
    String,
    String,
    String,
    Option<(String, String)>,
    Option<(String, String)>,
);

/// `casus run`: the files `--out` would write, as text.
#[pyfunction]
#[pyo3(signature = (scenario, runs = None, seed = None, threads = 0, rows = true, allow_large = false))]
fn run(
    py: Python<'_>,
    scenario: &Scenario,
    runs: Option<u64>,
    seed: Option<u64>,
    threads: usize,
    rows: bool,
    allow_large: bool,
) -> PyResult<RunFiles> {
    let model = Arc::clone(&scenario.model);
    experiment(&model, runs, seed, threads, allow_large)?;
    interruptible(py, move |stop| {
        let mc = experiment(&model, runs, seed, threads, true)?;
        let mut sink = Rows {
            rows: Vec::new(),
            wanted: rows,
        };
        let summary = mc.run(&mut sink, Some(stop)).map_err(io_error)?;
        let json = to_json(&summary)?;
        let levels = text(|w| files::write_levels_by_step(&summary, w))?;
        let pathways = text(|w| files::write_pathways(&summary, w))?;
        let tables = if rows {
            let dated = model.world.start.is_some();
            let mut actors = Vec::new();
            let runs = text(|w| files::write_run_tables(&sink.rows, dated, w, &mut actors))?;
            let actors =
                String::from_utf8(actors).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
            Some((runs, actors))
        } else {
            None
        };
        let alignment = if summary.labels.alignment.is_some() {
            let stances = text(|w| files::write_alignment(&summary, w))?;
            let blocs = text(|w| files::write_blocs(&summary, w))?;
            Some((stances, blocs))
        } else {
            None
        };
        Ok((json, levels, pathways, tables, alignment))
    })
}

/// A sink that keeps every run's row.
struct Rows {
    rows: Vec<casus::monte_carlo::RunRow>,
    wanted: bool,
}

impl casus::Sink for Rows {
    fn wants_rows(&self) -> bool {
        self.wanted
    }

    fn rows(&mut self, rows: &[casus::monte_carlo::RunRow]) -> std::io::Result<()> {
        self.rows.extend_from_slice(rows);
        Ok(())
    }
}

/// `casus compare`: compare.json, each level's paired difference (as the table shows it) and the
/// table as printed.
#[pyfunction]
#[pyo3(signature = (a, b, runs = None, seed = None, threads = 0, allow_large = false))]
fn compare(
    py: Python<'_>,
    a: &Scenario,
    b: &Scenario,
    runs: Option<u64>,
    seed: Option<u64>,
    threads: usize,
    allow_large: bool,
) -> PyResult<(String, String, String)> {
    let (a, b) = (Arc::clone(&a.model), Arc::clone(&b.model));
    experiment(&a, runs, seed, threads, allow_large)?;
    interruptible(py, move |stop| {
        let mc = experiment(&a, runs, seed, threads, true)?;
        let comparison = mc
            .compare(&b.world, &mut (), Some(stop))
            .map_err(io_error)?;
        let compared = Compared::new(&a, &b, &mc, comparison);
        let table = compared.render();
        let c = &compared.comparison;
        let differences: Vec<_> = c
            .highest_at_least
            .iter()
            .map(|p| p.difference(c.runs))
            .collect();
        Ok((to_json(&compared)?, to_json(&differences)?, table))
    })
}

/// The outcome of a sensitivity analysis or a sweep.
fn target(model: &Compiled, level: &str, actor: Option<&str>) -> PyResult<Target> {
    let level = casus::Level::parse_above_peace(level).map_err(PyValueError::new_err)?;
    Target::new(&model.world, level, actor).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `casus sweep` on a grid: sweep.json, sweep.csv and the table as printed.
#[pyfunction]
#[pyo3(signature = (scenario, params, level = "war".to_owned(), actor = None, runs = None, seed = None, threads = 0, allow_large = false))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments
fn sweep(
    py: Python<'_>,
    scenario: &Scenario,
    params: Vec<(String, Vec<f64>)>,
    level: String,
    actor: Option<String>,
    runs: Option<u64>,
    seed: Option<u64>,
    threads: usize,
    allow_large: bool,
) -> PyResult<(String, String, String)> {
    let model = Arc::clone(&scenario.model);
    let target = target(&model, &level, actor.as_deref())?;
    experiment(&model, runs, seed, threads, allow_large)?;
    let axes: Vec<Axis> = params
        .into_iter()
        .map(|(path, values)| Axis {
            path,
            levels: Levels::Values(values),
        })
        .collect();
    interruptible(py, move |stop| {
        let mc = experiment(&model, runs, seed, threads, true)?;
        let table =
            match casus::monte_carlo::sweep::sweep(&model, &axes, Design::Grid, &mc, Some(stop)) {
                Ok(table) => table,
                Err(SweepError::Scenario(e)) => return Err(scenario_error(e)),
                Err(e) => return Err(PyValueError::new_err(e.to_string())),
            };
        let swept = table.swept(target, &model.world);
        let csv = text(|w| swept.write_csv(w))?;
        let table = swept.render(&model.origin);
        let json = to_json(&swept)?;
        Ok((json, csv, table))
    })
}

/// `casus sensitivity`: sensitivity.json, sensitivity.csv and the table as printed.
#[pyfunction]
#[pyo3(signature = (scenario, factor = 2.0, params = Vec::new(), level = "war".to_owned(), actor = None, runs = 1000, seed = None, threads = 0, rows = 12, allow_large = false))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments
fn sensitivity(
    py: Python<'_>,
    scenario: &Scenario,
    factor: f64,
    params: Vec<String>,
    level: String,
    actor: Option<String>,
    runs: u64,
    seed: Option<u64>,
    threads: usize,
    rows: usize,
    allow_large: bool,
) -> PyResult<(String, String, String)> {
    if !(factor > 1.0 && factor.is_finite()) {
        return Err(PyValueError::new_err(format!(
            "expected a factor above 1, such as 2, found {factor}"
        )));
    }
    let model = Arc::clone(&scenario.model);
    let target = target(&model, &level, actor.as_deref())?;
    let parameters = &model.scenario.parameters;
    let plan = casus::monte_carlo::sensitivity::select(
        casus::monte_carlo::sensitivity::factors(parameters, factor),
        parameters,
        &params,
    )
    .map_err(|e| PyValueError::new_err(e.to_string()))?;
    experiment(&model, Some(runs), seed, threads, allow_large)?;
    interruptible(py, move |stop| {
        let mc = experiment(&model, Some(runs), seed, threads, true)?;
        let result = mc
            .sensitivity(&model.scenario, &plan, target, &mut (), Some(stop))
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        if stop.load(Ordering::SeqCst) {
            return Err(PyRuntimeError::new_err("stopped"));
        }
        let csv = text(|w| casus::report::sensitivity::write_csv(&result, w))?;
        let table = casus::report::sensitivity::render(&result, &model.origin, rows);
        let json = to_json(&result)?;
        Ok((json, csv, table))
    })
}

/// The removal of one element, `KIND:ID`, as an override (`casus compare --without`).
#[pyfunction]
fn without(text: &str) -> PyResult<String> {
    Override::without(text)
        .map(|o| o.to_string())
        .map_err(PyValueError::new_err)
}

/// This build's casus version, as results record it.
#[pymodule]
fn _casus(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", casus::VERSION)?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add_class::<Scenario>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(without, m)?)?;
    Ok(())
}
