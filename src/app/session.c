/* session.c: the worker thread, the command queue and the published state. The worker
 * waits for a command or for its next step; the UI never waits for the worker: sending
 * appends to a queue under a mutex, and reading swaps in the newest published buffer. */
#include "session_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The pace of "steps a frame": the window's frames are taken as 60 a second. */
#define SESSION_FRAME_RATE 60.0
/* The UI sees a new state at most this often while training runs. */
#define SESSION_PUBLISH_S (1.0 / 60.0)

double session_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void session_progress(Session *s, int busy, long done, long total)
{
    pthread_mutex_lock(&s->mu);
    s->busy = busy;
    s->work_done = done;
    s->work_total = total;
    s->work_started = session_now();
    pthread_mutex_unlock(&s->mu);
}

void session_publish(Session *s)
{
    session_fill_state(s, s->back);
    pthread_mutex_lock(&s->mu);
    SessionState *t = s->pending;
    s->pending = s->back;
    s->back = t;
    s->fresh = 1;
    pthread_mutex_unlock(&s->mu);
    s->last_publish = session_now();
}

const SessionState *session_state(Session *s)
{
    pthread_mutex_lock(&s->mu);
    if (s->fresh) {
        SessionState *t = s->front;
        s->front = s->pending;
        s->pending = t;
        s->fresh = 0;
    }
    s->front->busy = s->busy || s->executing;
    s->front->work_done = s->work_done;
    s->front->work_total = s->work_total;
    s->front->work_started = s->work_started;
    s->front->seconds_per_step = s->seconds_per_step;
    s->front->stepping = s->stepping;
    pthread_mutex_unlock(&s->mu);
    return s->front;
}

/* Whether the worker has a step to take now; if it must wait, *wait_s says how long
 * (0 = until a command comes). Called with mu held. */
static int step_due(const Session *s, double *wait_s)
{
    *wait_s = 0;
    if (!s->running || s->waiting || s->run[0].diverged || (s->compare && s->run[1].diverged))
        return 0;
    if (s->speed <= 0)
        return 1;
    double due = s->pace_start + (double)s->pace_steps / (SESSION_FRAME_RATE * (double)s->speed);
    double now = session_now();
    if (now >= due)
        return 1;
    *wait_s = due - now;
    return 0;
}

static void wait_for(Session *s, double seconds)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double t = (double)ts.tv_nsec * 1e-9 + seconds;
    ts.tv_sec += (time_t)t;
    ts.tv_nsec = (long)((t - floor(t)) * 1e9);
    pthread_cond_timedwait(&s->wake, &s->mu, &ts);
}

static void queued_free(Queued *q)
{
    free(q->steps);
    free(q);
}

/* A step of free play or of a lesson step's run, then publish if it is time. */
static void play_step(Session *s)
{
    if (s->pace_steps == 0 && s->speed > 0)
        s->pace_start = session_now();
    int bad = session_train_step(s);
    if (bad == TRAIN_CANCELLED) {
        /* the step is undone; a command interrupted it (it decides what follows), or Esc
         * did, which pauses */
        pthread_mutex_lock(&s->mu);
        int by_command = s->head != NULL;
        pthread_mutex_unlock(&s->mu);
        atomic_store(&s->cancel, 0);
        if (!by_command) {
            s->running = 0;
            session_say(s, "Cancelled the step in progress; paused at step %ld.", s->run[0].tr.step);
            session_publish(s);
        }
        return;
    }
    s->pace_steps++;
    if (s->run_left > 0 && (--s->run_left == 0 || bad))
        session_run_finished(s);
    if (bad || !s->running || session_now() - s->last_publish >= SESSION_PUBLISH_S)
        session_publish(s);
}

static void *worker(void *arg)
{
    Session *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        double wait_s;
        while (!s->quit && !s->head && !step_due(s, &wait_s)) {
            /* a bounded run waiting for its pace is still work in progress */
            s->executing = s->running && s->run_left > 0 && wait_s > 0;
            pthread_cond_broadcast(&s->idle);
            if (wait_s > 0)
                wait_for(s, wait_s);
            else
                pthread_cond_wait(&s->wake, &s->mu);
        }
        if (s->quit)
            break;
        Queued *q = s->head;
        /* busy for session_wait_idle: a command, or a bounded run; free play is not */
        s->executing = q != NULL || (s->running && s->run_left > 0);
        if (q) {
            s->head = q->next;
            if (!s->head)
                s->tail = NULL;
        }
        pthread_mutex_unlock(&s->mu);
        if (q) {
            atomic_store(&s->cancel, 0);
            session_execute(s, q);
            queued_free(q);
            session_publish(s);
        } else {
            play_step(s);
        }
        pthread_mutex_lock(&s->mu);
    }
    s->executing = 0;
    pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

Session *session_create(const Config *cfg, size_t budget, char *err, size_t errlen)
{
    Session *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->back = &s->buf[0], s->pending = &s->buf[1], s->front = &s->buf[2];
    s->budget = budget;
    s->speed = 5;
    s->scrub = -1;
    s->lesson_step = -1;
    s->rate_time = session_now();
    atomic_init(&s->cancel, 0);
    if (session_start_run(s, cfg, err, errlen) != 0) {
        session_runs_destroy(s);
        free(s);
        return NULL;
    }
    /* the first state is there before the thread starts */
    session_fill_state(s, s->front);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->wake, NULL);
    pthread_cond_init(&s->idle, NULL);
    if (pthread_create(&s->thread, NULL, worker, s) != 0) {
        snprintf(err, errlen, "cannot start the training thread");
        session_runs_destroy(s);
        for (int i = 0; i < 3; i++)
            for (int r = 0; r < 2; r++)
                runview_free(&s->buf[i].run[r]);
        free(s);
        return NULL;
    }
    session_command(s, SESSION_PREVIEW, 0);
    return s;
}

void session_destroy(Session *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->quit = 1;
    atomic_store(&s->cancel, 1);
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    for (Queued *q = s->head, *n; q; q = n) {
        n = q->next;
        queued_free(q);
    }
    session_runs_destroy(s);
    for (int i = 0; i < 3; i++) {
        for (int r = 0; r < 2; r++)
            runview_free(&s->buf[i].run[r]);
        runview_free(&s->buf[i].scrub);
    }
    pthread_cond_destroy(&s->idle);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

void session_send(Session *s, const SessionCommand *c)
{
    Queued *q = calloc(1, sizeof *q);
    if (!q)
        return;
    q->cmd = *c;
    if (c->kind == SESSION_LESSON && c->n_steps > 0) {
        q->steps = malloc((size_t)c->n_steps * sizeof *q->steps);
        if (!q->steps) {
            free(q);
            return;
        }
        memcpy(q->steps, c->steps, (size_t)c->n_steps * sizeof *q->steps);
    }
    q->cmd.steps = q->steps;
    /* Commands a person gives (pause, reset, another lesson step ...) do not wait for a
     * slow step or run: it is undone, exactly, and the command follows. Settings, the pace
     * and queued runs do wait. */
    int interrupts = c->kind != SESSION_CONFIG && c->kind != SESSION_SPEED && c->kind != SESSION_WANT &&
                     c->kind != SESSION_RUN && c->kind != SESSION_PLAY && c->kind != SESSION_ANSWERED &&
                     c->kind != SESSION_SAVE;
    pthread_mutex_lock(&s->mu);
    /* the terms view's arrays give way to any command (they are computed again after it) */
    if ((interrupts && (s->executing || s->stepping)) || s->itemising)
        atomic_store(&s->cancel, 1);
    if (s->tail)
        s->tail->next = q;
    else
        s->head = q;
    s->tail = q;
    s->executing = 1; /* idle only once this is done */
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->mu);
}

void session_command(Session *s, SessionCommandKind kind, long n)
{
    SessionCommand c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    c.n = n;
    session_send(s, &c);
}

void session_cancel(Session *s)
{
    pthread_mutex_lock(&s->mu);
    for (Queued *q = s->head, *n; q; q = n) {
        n = q->next;
        queued_free(q);
    }
    s->head = s->tail = NULL;
    atomic_store(&s->cancel, 1);
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->mu);
}

int session_wait_idle(Session *s, double timeout_s)
{
    double until = session_now() + timeout_s;
    pthread_mutex_lock(&s->mu);
    while (s->head || s->executing) {
        if (timeout_s >= 0) {
            double left = until - session_now();
            if (left <= 0) {
                pthread_mutex_unlock(&s->mu);
                return -1;
            }
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            double t = (double)ts.tv_nsec * 1e-9 + (left < 0.05 ? left : 0.05);
            ts.tv_sec += (time_t)t;
            ts.tv_nsec = (long)((t - floor(t)) * 1e9);
            pthread_cond_timedwait(&s->idle, &s->mu, &ts);
        } else {
            pthread_cond_wait(&s->idle, &s->mu);
        }
    }
    pthread_mutex_unlock(&s->mu);
    return 0;
}
