package io.redisbreaker.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table, columns padded to their widest cell and separated by two spaces, as
 * {@code kubectl get} prints them: readable, and still cut and awk friendly (no cell is empty, a
 * missing value is {@code -}).
 */
final class Table {

	private final List<String[]> rows = new ArrayList<>();

	Table(String... headers) {
		this.rows.add(headers);
	}

	void row(Object... cells) {
		String[] row = new String[cells.length];
		for (int i = 0; i < cells.length; i++) {
			String text = String.valueOf(cells[i]);
			row[i] = text.isEmpty() ? "-" : text;
		}
		this.rows.add(row);
	}

	void print(PrintWriter out) {
		int columns = this.rows.get(0).length;
		int[] widths = new int[columns];
		for (String[] row : this.rows) {
			for (int i = 0; i < columns; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		for (String[] row : this.rows) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < columns; i++) {
				line.append(row[i]);
				if (i < columns - 1) {
					line.append(" ".repeat(widths[i] - row[i].length() + 2));
				}
			}
			out.println(line);
		}
		out.flush();
	}

}
