using Diml;
using Diml.Data;
using Diml.Fitting;
using Diml.Learning;
using Diml.Simulation;
using DimlMechanism;

const int Routes = 3, Drivers = 4;

// 1. The generated adjoint, checked against finite differences (and for not reading the fields).
var truth = new TolledRoutes(Routes) { Cost = [0.2f, 0.5f, 0.3f], Toll = [0.1f, 0f, 0.4f], Crowding = 0.15f };
var check = truth.CheckGradients(Drivers, Routes);
Console.WriteLine(check);
if (!check.Passed) return 1;

// 2. A small data set: Logit-Q learners playing the true mechanism.
var rule = new LogitQ(alpha: 0.25f, beta: 3f, epsilon: 0.06f);
var trueTheta = new float[truth.Layout.TotalLength];
truth.ReadParameters(trueTheta);
var data = Simulator.Simulate(truth, trueTheta, rule, new GameShape(Drivers, Routes), episodes: 24, steps: 40, seed: 7);

// 3. Recover the mechanism from the trajectories, starting from zeros.
var model = new TolledRoutes(Routes) { Crowding = 0f };
var start = new float[model.Layout.TotalLength];
var fit = new Fitter(model, rule, new FitOptions { Epochs = 30, LearningRate = 0.05, Threads = 1, Seed = 1 }).Fit(data, start);
double first = fit.Curve[0].MeanLoss, last = fit.Curve[^1].MeanLoss;
Console.WriteLine($"mean negative log-likelihood per action: epoch 1 {first:F4}, epoch {fit.Curve.Count} {last:F4}");
Console.WriteLine("fitted parameters: " + string.Join(", ", fit.Parameters.Select(v => v.ToString("F3"))));
return fit.Completed && last < first ? 0 : 2;
