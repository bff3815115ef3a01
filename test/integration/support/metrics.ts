// One sample of a Prometheus text exposition: `name` with its labels as written, e.g. 'x_total{result="ok"}'.

export const metric = (text: string, name: string) => Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
