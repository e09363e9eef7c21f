"""
Test support: the runner's dbt processes forked from one Python process that started dbt once,
optionally killed with SIGKILL at an exact point of a dbt run.

Starting dbt costs seconds of CPU per process (imports, first-use setup); the crash suite starts
the runner's dbt worker about two hundred times, so a server pays that once and forks one child
per process. The server imports dbt and runs one warm-up invocation (`dbt parse` of the project
under test); a child then runs the Python script it is asked for (the runner's
python/dbt_worker.py) as `python -u SCRIPT ARGS...` would, starting where a second invocation of
dbt in one process would. The server refuses to fork with a second thread alive (a child would
inherit the locks it holds).

  python forked_dbt.py serve SOCKET [-- WARM_UP_DBT_ARGS...]
      Serve until killed, any number of processes at a time.
  python forked_dbt.py call SOCKET -- [-u] SCRIPT ARGS...
      Stands in for `python [-u] SCRIPT ARGS...`: hands its stdin/stdout/stderr, working
      directory and environment to the server, and exits as the forked child did (killed by the
      same signal). When its working directory or one above holds a forked-dbt.json, every dbt
      invocation of the script gets an event callback doing what that file asks:
      {"kill_after": {"node": UNIQUE_ID, "event": "NodeFinished"}}
          SIGKILL the child when that node's event arrives (right after its commit);
      {"kill_after": {"node": UNIQUE_ID, "event": "SQLQueryStatus", "nth": N}}
          SIGKILL it when that node's Nth SQL statement has finished (inside the model);
      {"record": FILE}
          append one JSON line per node and SQL event (event, node, sql, status) to FILE, and
          {"event": "killed", "node": ...} just before a kill.
"""
import atexit
import io
import json
import os
import runpy
import select
import signal
import socket
import struct
import sys
import traceback

RECORDED_EVENTS = ('NodeStart', 'NodeFinished', 'SQLQuery', 'SQLQueryStatus')


def send_message(sock, payload):
    data = json.dumps(payload).encode()
    sock.sendall(struct.pack('!I', len(data)) + data)


def receive_exactly(sock, size):
    data = b''
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError('connection closed')
        data += chunk
    return data


def receive_message(sock):
    (size,) = struct.unpack('!I', receive_exactly(sock, 4))
    return json.loads(receive_exactly(sock, size))


def event_callback(kill_after, record):
    """A dbt event callback: record events, SIGKILL the process at the chosen one."""
    statements = {}

    def callback(msg):
        name = msg.info.name
        if name not in RECORDED_EVENTS:
            return
        node = msg.data.node_info.unique_id if msg.data.HasField('node_info') else ''
        if record is not None:
            entry = {'event': name, 'node': node}
            if name == 'SQLQuery':
                # the statement without dbt's leading query comment
                entry['sql'] = ' '.join(msg.data.sql.split('*/', 1)[-1].split())[:120]
            if name == 'NodeFinished':
                entry['status'] = msg.data.run_result.status
            record.write(json.dumps(entry) + '\n')
            record.flush()
        if kill_after is None or node != kill_after['node'] or name != kill_after['event']:
            return
        if name == 'SQLQueryStatus':
            statements[node] = statements.get(node, 0) + 1
            if statements[node] != kill_after['nth']:
                return
        if record is not None:
            record.write(json.dumps({'event': 'killed', 'node': node}) + '\n')
            record.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    return callback


def add_callback_to_every_invocation(callback):
    """Every dbtRunner the script creates also calls `callback` with each event."""
    import dbt.cli.main

    original = dbt.cli.main.dbtRunner

    class RunnerWithCallback(original):
        def __init__(self, manifest=None, callbacks=None):
            super().__init__(manifest=manifest, callbacks=[*(callbacks or []), callback])

    dbt.cli.main.dbtRunner = RunnerWithCallback


def run_child(request):
    """In the forked child: become the client's process and run its Python command line."""
    os.chdir(request['cwd'])
    os.environ.clear()
    os.environ.update(request['env'])
    argv = request['python_args']
    unbuffered = argv[:1] == ['-u']
    if unbuffered:
        argv = argv[1:]
    if not argv or argv[0].startswith('-'):
        raise SystemExit(f'forked_dbt.py: only `python [-u] SCRIPT ARGS...` is supported, not {request["python_args"]}')
    # fresh streams over the client's descriptors (with -u: unbuffered)
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, 'r', closefd=False)))
    sys.stdout = io.TextIOWrapper(io.FileIO(1, 'w', closefd=False) if unbuffered else io.BufferedWriter(io.FileIO(1, 'w', closefd=False)), write_through=unbuffered)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, 'w', closefd=False), write_through=True)
    if request.get('kill_after') is not None or request.get('record') is not None:
        record = open(request['record'], 'a') if request.get('record') else None
        add_callback_to_every_invocation(event_callback(request.get('kill_after'), record))
    sys.argv = argv
    try:
        runpy.run_path(argv[0], run_name='__main__')
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    # exit as Python does: exit handlers (dbt closes its connections), streams flushed
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def native_threads():
    return len(os.listdir('/proc/self/task'))


def serve(path, warm_up_args):
    import faulthandler

    import duckdb
    import dbt.task.run  # noqa: F401
    from dbt.cli.main import dbtRunner

    # `kill -USR1 <pid>` prints where a child (or the server) is stuck
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    # A child has only the thread that forked it, so no other thread may exist then (it could hold
    # a lock the child needs). DuckDB's default connection keeps a worker thread: stop it (dbt opens
    # its own database with its own threads). dbt's static parser keeps a native thread pool: the
    # warm-up parses without it.
    duckdb.execute('set threads = 1')
    if warm_up_args:
        result = dbtRunner().invoke(warm_up_args + ['--no-static-parser'])
        if not result.success:
            sys.exit(f'forked_dbt.py: the warm-up invocation failed: dbt {" ".join(warm_up_args)}: {result.exception}')
    if native_threads() != 1:
        sys.exit(f'forked_dbt.py: {native_threads()} threads alive after the warm-up; a forked child could deadlock')
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    print('ready', flush=True)
    clients = {}  # child pid -> the connection waiting for its exit
    while True:
        if select.select([server], [], [], 0.1)[0]:
            start_child(server, clients)
        while clients:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            connection = clients.pop(pid)
            try:
                send_message(connection, {'exit': os.waitstatus_to_exitcode(status)})
            except OSError:
                pass  # the client is gone (killed): nobody waits for this result
            connection.close()


def start_child(server, clients):
    connection, _ = server.accept()
    try:
        _, fds, _, _ = socket.recv_fds(connection, 1, 3)
        request = receive_message(connection)
    except (OSError, EOFError, ValueError):
        connection.close()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            server.close()
            for other in [connection, *clients.values()]:
                other.close()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            run_child(request)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(70)
    for fd in fds:
        os.close(fd)
    clients[pid] = connection


def options_for(directory):
    """The forked-dbt.json in `directory` or the nearest one above it ({} when there is none)."""
    while True:
        candidate = os.path.join(directory, 'forked-dbt.json')
        if os.path.exists(candidate):
            with open(candidate) as f:
                return json.load(f)
        parent = os.path.dirname(directory)
        if parent == directory:
            return {}
        directory = parent


def call(path, argv):
    if argv[:1] != ['--']:
        sys.exit('forked_dbt.py: usage: call SOCKET -- [-u] SCRIPT ARGS...')
    options = options_for(os.getcwd())
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(path)
    socket.send_fds(client, [b'x'], [0, 1, 2])
    request = {'cwd': os.getcwd(), 'env': dict(os.environ), 'python_args': argv[1:], 'kill_after': options.get('kill_after'), 'record': options.get('record')}
    send_message(client, request)
    code = receive_message(client)['exit']
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'serve':
        serve(sys.argv[2], sys.argv[4:] if sys.argv[3:4] == ['--'] else [])
    elif len(sys.argv) >= 3 and sys.argv[1] == 'call':
        call(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
