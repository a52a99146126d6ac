/// Reading the daemon's `/metrics` text.
public enum PrometheusText {
    /// The value of the sample `series` (`name` or `name{labels}`, exactly as
    /// written), or `nil` when there is no such line.
    public static func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
